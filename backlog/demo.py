"""The backlog part of the demo: one believable ART (teams, PIs, epics, features, stakeholders and
their requests) and fresh demo logins. `manage.py load_demo` (in scoring) calls it, then lets
every room of scoring add its own demo data to the same ART."""

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from backlog import services
from backlog.access import POPM_GROUP, STAKEHOLDER_GROUP
from backlog.models import Art, Feature, FeatureChange, FeatureRequest, Stakeholder
from backlog.services import feature_scores_fill

ART_NAME = "Commerce Platform ART"

TEAMS = [("Checkout Crew", 30), ("Payments Guild", 25), ("Platform Foundations", 35)]

PIS = [
    ("PI 2026.4", date(2026, 10, 5), date(2026, 12, 13)),
    ("PI 2027.1", date(2026, 12, 14), date(2027, 2, 21)),
]

# (title, description, UBV, TC, RR|OE, Job Size): epics are ranked by their own WSJF.
EPICS = [
    ("One-click checkout", "Cut checkout to a single confirmation for returning customers.", 20, 8, 3, 13),
    ("Partner marketplace", "Let partners list and sell add-ons through our storefront.", 13, 5, 8, 20),
    ("Payment resilience", "No lost order when a payment provider is slow or down.", 13, 13, 20, 8),
    ("Mobile app parity", "Everything the web shop does, the mobile app does.", 8, 1, 2, 13),
    ("Platform health", "Keep the platform cheap to run, safe and easy to change.", 3, 5, 13, 8),
    ("Data and insights", "Give merchants and our teams numbers they can act on.", 5, 2, 1, 5),
]

# (title, kind, epic index, description)
FEATURES = [
    (
        "Saved cards for returning customers",
        "business",
        0,
        "Store tokenised cards so returning customers skip card entry.",
    ),
    (
        "Express checkout button on product page",
        "business",
        0,
        "Buy now from the product page with saved address and card.",
    ),
    (
        "Guest checkout without account",
        "business",
        0,
        "Let first-time buyers pay without creating an account.",
    ),
    (
        "Address autocomplete",
        "business",
        0,
        "Suggest addresses as the customer types to cut typos and failed deliveries.",
    ),
    ("Apple Pay and Google Pay", "business", 0, "Wallet payments on web and mobile."),
    (
        "Order summary redesign",
        "business",
        0,
        "One clear summary with taxes, shipping and discounts before paying.",
    ),
    (
        "Promo code validation at entry",
        "business",
        0,
        "Tell the customer at once whether a promo code applies.",
    ),
    (
        "Checkout retry on payment timeout",
        "business",
        2,
        "Retry a timed-out authorisation once, without charging twice.",
    ),
    (
        "Second payment provider failover",
        "business",
        2,
        "Route payments to the backup provider when the primary fails.",
    ),
    ("Payment status webhooks", "business", 2, "Merchants get order payment status pushed to their systems."),
    (
        "Refunds from the merchant portal",
        "business",
        2,
        "Merchants refund fully or partly without calling support.",
    ),
    ("Chargeback evidence upload", "business", 2, "Collect and send evidence for disputed payments."),
    ("SSO for partners", "business", 1, "Partners sign in with their own identity provider (SAML/OIDC)."),
    (
        "Partner onboarding wizard",
        "business",
        1,
        "Self-service onboarding: company data, payout account, first listing.",
    ),
    ("Partner product listings", "business", 1, "Partners create and manage their add-on listings."),
    ("Revenue share payouts", "business", 1, "Monthly payouts to partners with a statement."),
    ("Partner ratings and reviews", "business", 1, "Customers rate partner add-ons after purchase."),
    ("Marketplace search and filters", "business", 1, "Find add-ons by category, price and rating."),
    ("Partner sales dashboard", "business", 5, "Partners see their sales, refunds and payouts."),
    (
        "Mobile push notifications for order status",
        "business",
        3,
        "Notify customers when an order ships or is delayed.",
    ),
    ("Mobile wishlist sync", "business", 3, "Wishlists follow the customer between app and web."),
    ("Mobile in-app returns", "business", 3, "Start a return and print the label from the app."),
    ("Biometric login in the app", "business", 3, "Face ID / fingerprint sign-in."),
    ("Mobile gift cards", "business", 3, "Buy and redeem gift cards in the app."),
    ("Offline product browsing", "business", 3, "Cached catalogue for patchy connections."),
    (
        "Merchant sales report export",
        "business",
        5,
        "CSV and Excel export of sales by day, product and channel.",
    ),
    ("Abandoned cart insights", "business", 5, "Show merchants where and why carts are abandoned."),
    ("Customer lifetime value view", "business", 5, "CLV per customer segment for merchants."),
    ("Multi-currency pricing", "business", 0, "Show and charge prices in the customer's currency."),
    ("VAT invoices for EU customers", "business", 2, "Compliant invoices with VAT breakdown."),
    ("Subscription orders", "business", 0, "Repeat orders on a schedule with one setup."),
    ("Store pickup option", "business", 0, "Click and collect from a merchant's store."),
    (
        "Accessibility fixes in checkout (WCAG 2.2 AA)",
        "business",
        0,
        "Keyboard, screen reader and contrast fixes.",
    ),
    ("Customer support chat in checkout", "business", 0, "Help at the moment of doubt."),
    ("Loyalty points at checkout", "business", 0, "Earn and redeem points when paying."),
    ("Partner API keys and rate limits", "business", 1, "Partners integrate with our API safely."),
    ("Merchant fraud rules editor", "business", 2, "Merchants tune fraud thresholds themselves."),
    ("Split shipments tracking", "business", 3, "Track each parcel of an order separately."),
    ("Upgrade to PostgreSQL 16", "enabler", 4, "Stay on a supported version; faster query planning."),
    ("Replace legacy payment SDK", "enabler", 2, "The old SDK is out of support next year."),
    ("Observability: tracing across checkout", "enabler", 4, "Distributed tracing to find slow steps."),
    ("Idempotency keys for payment API", "enabler", 2, "Make retries safe end to end."),
    (
        "Split the order monolith: pricing service",
        "enabler",
        4,
        "Move pricing out so teams deploy independently.",
    ),
    ("Automated load tests in the pipeline", "enabler", 4, "Catch performance regressions before release."),
    ("Feature flag service", "enabler", 4, "Release dark and roll out gradually."),
    ("Secrets rotation automation", "enabler", 4, "Rotate database and API secrets without downtime."),
    ("Event bus for order events", "enabler", 5, "Publish order events for analytics and partners."),
    ("Data warehouse ingestion of payments", "enabler", 5, "Reliable daily loads for finance reporting."),
    ("Mobile app CI build times under 10 minutes", "enabler", 3, "Faster feedback for the mobile team."),
    ("Remove deprecated REST v1 endpoints", "enabler", 1, "Less surface to secure and maintain."),
    ("Database connection pooling", "enabler", 4, "Survive traffic peaks without exhausting connections."),
    ("Upgrade Django and dependencies", "enabler", 4, "Security fixes and long-term support."),
    (
        "Spike: passkeys for customer login",
        "exploration",
        3,
        "Can passkeys replace passwords for our customers?",
    ),
    (
        "Spike: buy now, pay later providers",
        "exploration",
        0,
        "Compare three BNPL providers: fees, conversion, integration.",
    ),
    (
        "Research: why partners abandon onboarding",
        "exploration",
        1,
        "Interview ten partners who started but did not finish.",
    ),
    (
        "Spike: real-time fraud scoring model",
        "exploration",
        2,
        "Can a model beat our rules on last quarter's data?",
    ),
    (
        "Prototype: conversational shopping assistant",
        "exploration",
        3,
        "A narrow prototype for gift shopping.",
    ),
    (
        "Spike: carbon-aware delivery options",
        "exploration",
        0,
        "Would customers pick a slower, greener delivery?",
    ),
]

STAKEHOLDERS = [
    (
        "Sam Rivera",
        "Head of Sales",
        [
            (
                "Saved cards for returning customers",
                "Our biggest accounts keep asking why they must type the card every time.",
            ),
            ("Multi-currency pricing", "We lose deals in Switzerland and the UK on currency alone."),
            ("Subscription orders", "Three prospects want repeat orders before they sign."),
        ],
    ),
    (
        "Priya Nair",
        "Customer Success Lead",
        [
            ("Refunds from the merchant portal", "Half of our support tickets are refund requests."),
            ("Checkout retry on payment timeout", "Customers see an error and order twice."),
        ],
    ),
    (
        "Tomasz Kowalski",
        "Enterprise Architect",
        [
            (
                "Split the order monolith: pricing service",
                "Every pricing change needs a full release of the monolith.",
            ),
            ("Event bus for order events", "Partners poll us every minute; events would end that."),
            (
                "Idempotency keys for payment API",
                "Retries without idempotency are how double charges happen.",
            ),
        ],
    ),
    (
        "Helen Park",
        "Business Owner, Finance",
        [
            ("VAT invoices for EU customers", "Auditors flagged our invoices last quarter."),
            (
                "Data warehouse ingestion of payments",
                "Month-end close takes four days because of manual exports.",
            ),
        ],
    ),
    (
        "Diego Alvarez",
        "Head of Partnerships",
        [
            ("SSO for partners", "Two large partners will not onboard without SSO."),
            ("Partner onboarding wizard", "Onboarding takes three weeks of emails."),
            ("Revenue share payouts", "Payouts are a spreadsheet today."),
        ],
    ),
    (
        "Grace Liu",
        "Customer representative, Acme Retail",
        [
            ("Store pickup option", "Our stores are 10 minutes from most customers."),
            ("Merchant sales report export", "We need the numbers in our own BI tool."),
        ],
    ),
    (
        "Olaf Berg",
        "Chief Information Security Officer",
        [
            ("Secrets rotation automation", "Rotation is manual and overdue on two systems."),
            ("Biometric login in the app", "Fewer passwords, fewer account takeovers."),
        ],
    ),
    (
        "Amara Okafor",
        "Head of Marketing",
        [
            ("Loyalty points at checkout", "The loyalty campaign launches in spring."),
            ("Apple Pay and Google Pay", "Competitors all offer wallets."),
        ],
    ),
]

# New ideas in the stakeholders' own words: (stakeholder, title, description, triage). Triage:
# None waits for a POPM; ("decline", reason); ("merge", feature title, note); ("accept", kind).
IDEAS = [
    (
        "Sam Rivera",
        "Quotes with negotiated prices for enterprise accounts",
        "Enterprise buyers want a quote with their contract prices they can forward to purchasing.",
        None,
    ),
    (
        "Priya Nair",
        "Let customers cancel an order within 30 minutes",
        "A third of our calls are 'I ordered the wrong size a minute ago'.",
        None,
    ),
    (
        "Grace Liu",
        "Gift wrapping at checkout",
        "Our stores offer it; online customers ask for it in December.",
        None,
    ),
    (
        "Amara Okafor",
        "Referral discount codes",
        "Customers who refer a friend get 10% off their next order.",
        (
            "decline",
            "Referral codes live in the Growth ART's loyalty platform; I have passed this to their POPM.",
        ),
    ),
    (
        "Diego Alvarez",
        "Partners sign in with their Azure AD",
        "Our two biggest partners run Azure AD only.",
        ("merge", "SSO for partners", "SSO for partners covers SAML and OIDC, which includes Azure AD."),
    ),
    (
        "Helen Park",
        "Invoices in the customer's currency",
        "Swiss and UK customers get invoices in EUR and call finance to convert them.",
        ("accept", "business"),
    ),
]

STATUSES = (
    ["funnel"] * 6
    + ["analyzing"] * 10
    + ["backlog"] * 30
    + ["implementing"] * 8
    + ["validating"] * 2
    + ["done"] * 2
)
SCALE_WEIGHTED = [1, 1, 2, 2, 3, 3, 5, 5, 8, 8, 13, 20]
ESTIMATES = [3, 5, 8, 8, 13, 13, 20, 20, 40]


def demo_art_load() -> tuple[Art, bool]:
    """The demo ART, created with its backlog when it does not exist yet: (art, created)."""
    art, created = Art.objects.get_or_create(
        name=ART_NAME, defaults={"description": "Checkout, payments, partner marketplace and mobile."}
    )
    if created:
        _art_fill(art)
    return art, created


def demo_logins_reset(art: Art) -> list[tuple[str, str, str]]:
    """(role, username, new password) of the three demo logins, with fresh passwords."""
    User = get_user_model()
    logins = []
    for role, username, group in (
        ("POPM", "paula", POPM_GROUP),
        ("Stakeholder", "sam", STAKEHOLDER_GROUP),
        ("Admin", "admin", None),
    ):
        user, _ = User.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.is_staff = user.is_superuser = group is None
        user.save()
        if group:
            user.groups.add(Group.objects.get(name=group))
        logins.append((role, username, password))
    art.popms.add(User.objects.get(username="paula"))
    Stakeholder.objects.filter(art=art, name="Sam Rivera").update(user=User.objects.get(username="sam"))
    return logins


def _money_view_add(features: list[Feature], rng: random.Random) -> None:
    """CD3 data for some features, close to but not exactly their relative scores."""
    for feature in features:
        per_week = feature.cost_of_delay * rng.choice([600, 800, 1000, 1200, 1500])
        feature.cost_of_delay_per_week = Decimal(per_week).quantize(Decimal("100"))
        feature.duration_weeks = Decimal(feature.job_size) * Decimal(rng.choice(["0.5", "0.8", "1", "1.2"]))
        feature.urgency_profile = "expedite" if feature.time_criticality >= 13 else "standard"
    features[0].fixed_date = date(2027, 1, 29)
    features[0].urgency_profile = "fixed_date"


def _demo_user(username: str):
    """A demo login as the demo data needs it (who scored, who triaged); its password is set
    by demo_logins_reset."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    return user


def _at(day: date, hours: int = 9) -> datetime:
    return datetime.combine(day, time(hours), tzinfo=UTC)


# The backlog was first scored this long before the current PI started; scores re-checked
# since are fresh, the rest are stale (SAFe re-scores at every PI boundary).
FIRST_SCORED_BEFORE_PI = timedelta(days=45)
STALE_SHARE = 0.3


def _scores_who_and_when(features: list[Feature], pi_start: date, rng: random.Random, scorers: list) -> None:
    """Who scored each feature and when: some before the current PI started (stale), most
    re-checked in it. The values were set at the first scoring; a re-check that changes nothing
    leaves no history row, only the new time."""
    first = _at(pi_start - FIRST_SCORED_BEFORE_PI)
    latest = datetime.now(UTC) - timedelta(days=4)
    for feature in features:
        if not feature.is_scored:
            continue
        feature.scored_by = scorers[0] if rng.random() < 0.8 else scorers[1]
        if rng.random() < STALE_SHARE:
            feature.scored_at = first + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 8))
        else:
            feature.scored_at = min(
                _at(pi_start) + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8)), latest
            )


def _ideas_add(art: Art, stakeholders: dict[str, Stakeholder], by_title: dict[str, Feature], popm) -> None:
    """New ideas from stakeholders: three waiting for triage, one declined, one merged, one
    accepted into the funnel, each through the services a POPM's triage page calls."""
    for name, title, description, triage in IDEAS:
        request = services.feature_idea_submit(
            stakeholder=stakeholders[name],
            acting_user=stakeholders[name].user,
            title=title,
            description=description,
        )
        if triage is None:
            continue
        if triage[0] == "decline":
            services.feature_request_decline(feature_request=request, acting_user=popm, reason=triage[1])
        elif triage[0] == "merge":
            services.feature_request_merge(
                feature_request=request, feature=by_title[triage[1]], acting_user=popm, reason=triage[2]
            )
        else:
            services.feature_request_accept(
                feature_request=request, acting_user=popm, door=FeatureChange.Door.SCRIPT, kind=triage[1]
            )
    # Ideas were sent over the last days, not all in the same second.
    for days, request in enumerate(
        FeatureRequest.objects.filter(stakeholder__art=art, title__gt="").order_by("-pk")
    ):
        sent = datetime.now(UTC) - timedelta(days=days + 1, hours=3)
        FeatureRequest.objects.filter(pk=request.pk).update(
            created_at=sent, triaged_at=sent + timedelta(hours=20) if request.triaged_at else None
        )


def _art_fill(art: Art) -> None:
    rng = random.Random(2026)
    popm, admin = _demo_user("paula"), _demo_user("admin")
    teams = [services.team_create(art=art, acting_user=None, name=n, velocity=v) for n, v in TEAMS]
    pis = [services.pi_create(art=art, acting_user=None, name=n, start_date=s, end_date=e) for n, s, e in PIS]
    epics = [
        services.epic_create(
            art=art,
            acting_user=None,
            title=title,
            description=description,
            user_business_value=ubv,
            time_criticality=tc,
            risk_reduction=rr,
            job_size=size,
        )
        for title, description, ubv, tc, rr, size in EPICS
    ]
    features = []
    for index, (title, kind, epic_index, description) in enumerate(FEATURES):
        status = (
            STATUSES[index % len(STATUSES)]
            if kind == "business"
            else rng.choice(["analyzing", "backlog", "backlog", "implementing"])
        )
        scored = status != "funnel" or rng.random() < 0.3
        feature = Feature(
            art=art,
            epic=epics[epic_index],
            team=teams[index % len(teams)],
            pi=pis[0] if status in ("implementing", "validating", "done") else None,
            title=title,
            description=description,
            benefit_hypothesis=f"If we deliver “{title.lower()}”, we expect measurably better conversion or lower cost within one PI.",
            acceptance_criteria="- Works on web and mobile\n- Covered by automated tests\n- Documented for support",
            kind=kind,
            status=status,
            estimate_points=Decimal(rng.choice(ESTIMATES)) if scored and rng.random() > 0.08 else None,
        )
        if scored:
            feature.user_business_value = rng.choice(SCALE_WEIGHTED)
            feature.time_criticality = rng.choice(SCALE_WEIGHTED)
            feature.risk_reduction = rng.choice(SCALE_WEIGHTED)
            feature.job_size = rng.choice(SCALE_WEIGHTED)
        feature_scores_fill(feature)
        features.append(feature)
    # Relative estimation: the smallest item of every column is a 1.
    scored_features = [feature for feature in features if feature.is_scored]
    for field, feature in zip(Feature.SCORE_INPUTS, scored_features[1:5]):
        setattr(feature, field, 1)
        feature_scores_fill(feature)
    _money_view_add([f for f in features if f.is_scored and f.status != "done"][:16], rng)
    _scores_who_and_when(features, pis[0].start_date, rng, [popm, admin])
    Feature.objects.bulk_create(features)
    by_title = {feature.title: feature for feature in Feature.objects.filter(art=art)}
    services.features_created_record(
        features=list(by_title.values()),
        acting_user=popm,
        door=FeatureChange.Door.SCRIPT,
        source="demo data",
    )
    # The backlog was set up before its first scoring, so history starts then.
    FeatureChange.objects.filter(art=art).update(
        changed_at=_at(pis[0].start_date - FIRST_SCORED_BEFORE_PI - timedelta(days=1))
    )
    stakeholders = {}
    for name, title, requests in STAKEHOLDERS:
        stakeholder = services.stakeholder_create(art=art, acting_user=None, name=name, title=title)
        stakeholders[name] = stakeholder
        for feature_title, note in requests:
            services.feature_request_create(
                stakeholder=stakeholder, feature=by_title[feature_title], acting_user=None, note=note
            )
    _ideas_add(art, stakeholders, by_title, popm)
