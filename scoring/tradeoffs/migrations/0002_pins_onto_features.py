"""Active pins onto their features (Feature.pinned_position, pinned_at), and a scoring run
queued for every ART that has one, so its ranks apply the pins (docs/rules.md, "Pins")."""

from django.db import migrations


def pins_copy(apps, schema_editor):
    Override = apps.get_model("tradeoffs", "Override")
    Feature = apps.get_model("backlog", "Feature")
    ScoringRun = apps.get_model("scoring", "ScoringRun")
    art_ids = set()
    for pin in Override.objects.filter(removed_at__isnull=True).only("feature_id", "art_id", "position", "created_at"):
        Feature.objects.filter(pk=pin.feature_id).update(pinned_position=pin.position, pinned_at=pin.created_at)
        art_ids.add(pin.art_id)
    for art_id in sorted(art_ids):
        # A pending run is sent by the beat's requeue of waiting runs; one per ART at most.
        if not ScoringRun.objects.filter(art_id=art_id, status="pending").exists():
            ScoringRun.objects.create(art_id=art_id, trigger="pin")


class Migration(migrations.Migration):

    dependencies = [
        ("tradeoffs", "0001_initial"),
        ("backlog", "0008_feature_wsjf_rank_and_pin"),
        ("scoring", "0002_scoring_run_trigger_pin"),
    ]

    operations = [migrations.RunPython(pins_copy, migrations.RunPython.noop)]
