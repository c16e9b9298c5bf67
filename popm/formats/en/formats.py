# One date format on every page, set here once ("2 Dec 2026"; with a time "2 Dec 2026, 09:30").
# Templates write {{ value|date }} or {{ value|date:"DATETIME_FORMAT" }}, never their own format.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
