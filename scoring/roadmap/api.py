"""REST API of the roadmap forecast (issue 15, item 5). Read-only; points are strings.

Reading needs the ART to be visible (404 otherwise), as the ranked backlog.
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backlog.access import art_visible_or_404
from scoring.planning.capacity import KINDS, two_places_text
from scoring.roadmap.forecast import MODES, STATUSES, STRICT
from scoring.roadmap.selectors import ArtForecast, art_forecast, committed_pi_names

MODE_MESSAGE = '"{input}" is not allowed; use one of: ' + ", ".join(MODES) + "."


class ModeInput(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=MODES, default=STRICT, error_messages={"invalid_choice": MODE_MESSAGE}
    )


def _points(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, help_text=help_text)


class ForecastKindOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    budget = _points("The PI's capacity x the kind's share, story points.")
    used = _points("Points of the features committed to the PI plus those forecast into it.")


class ForecastPiOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null for a projected PI.")
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    projected = serializers.BooleanField(help_text="A PI that does not exist yet, like the last one.")
    kinds = ForecastKindOutput(many=True)


class ForecastFeatureOutput(serializers.Serializer):
    id = serializers.IntegerField()
    pi = serializers.IntegerField(allow_null=True, help_text="null when projected or not forecast.")
    pi_name = serializers.CharField(allow_null=True)
    projected = serializers.BooleanField()
    committed = serializers.BooleanField()
    status = serializers.ChoiceField(choices=STATUSES)


class ForecastOutput(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MODES)
    pis = ForecastPiOutput(many=True)
    features = ForecastFeatureOutput(many=True, help_text="The ART's open features, rank order.")


def forecast_json(state: ArtForecast) -> dict:
    forecast = state.forecast
    earlier = committed_pi_names(forecast)
    features = []
    for feature in forecast.features:
        slot = None if feature.pi_index is None else forecast.pis[feature.pi_index].slot
        if slot is not None:
            pi_id, pi_name, projected = slot.id, slot.name, slot.projected
        else:
            pi_id, pi_name, projected = feature.committed_pi, earlier.get(feature.committed_pi), False
        features.append(
            {
                "id": feature.id,
                "pi": pi_id,
                "pi_name": pi_name,
                "projected": projected,
                "committed": feature.committed_pi is not None,
                "status": feature.status,
            }
        )
    return {
        "mode": forecast.mode,
        "pis": [
            {
                "id": pi.slot.id,
                "name": pi.slot.name,
                "start_date": pi.slot.start_date.isoformat(),
                "end_date": pi.slot.end_date.isoformat(),
                "projected": pi.slot.projected,
                "kinds": [
                    {
                        "kind": use.kind,
                        "budget": two_places_text(use.budget),
                        "used": two_places_text(use.used),
                    }
                    for use in pi.kinds
                ],
            }
            for pi in forecast.pis
        ],
        "features": features,
    }


class ArtForecastApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("mode", str, enum=list(MODES), description="strict (default) or fill.")],
        responses={200: ForecastOutput},
    )
    def get(self, request: Request, art_id: int) -> Response:
        art = art_visible_or_404(request.user, art_id)
        mode = ModeInput(data=request.query_params)
        mode.is_valid(raise_exception=True)
        state = art_forecast(art_id=art.pk, today=timezone.localdate(), mode=mode.validated_data["mode"])
        return Response(forecast_json(state))
