"""The address a request came from, as sign-in throttling (django-axes) counts it.

Behind a proxy every request arrives from the proxy: counting REMOTE_ADDR would let one
attacker lock every user out. With DJANGO_TRUSTED_PROXIES=N (N proxies in front of gunicorn,
1 by default in production) the client is the Nth address from the right of X-Forwarded-For,
the one the nearest trusted proxy saw; anything further left was written by the client itself
and is not trusted.
"""

from django.conf import settings


def client_ip_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
