"""Sign-in throttling: 5 wrong passwords lock the account-and-address pair out, the right
password is refused while locked, and works again after the cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

pytestmark = pytest.mark.django_db

DOORS = {"login": "/login/", "admin": "/admin/login/"}


def sign_in(client, door: str, username: str, password: str, address: str = "203.0.113.7", **headers):
    return client.post(
        DOORS[door], {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("door", DOORS)
def test_five_wrong_passwords_lock_out_even_the_right_one_until_the_cool_off(client, admin_user, door):
    for _ in range(4):
        assert sign_in(client, door, admin_user.username, "wrong").status_code == 200
    assert sign_in(client, door, admin_user.username, "wrong").status_code == 429  # the 5th locks
    locked = sign_in(client, door, admin_user.username, "pw-root-admin")
    assert locked.status_code == 429
    assert "Too many wrong passwords for this account from your address" in locked.content.decode()
    assert "paused for 15 minutes" in locked.content.decode()
    assert not signed_in(client)

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, door, admin_user.username, "pw-root-admin").status_code == 302
    assert signed_in(client)


def test_a_lockout_is_for_the_pair_not_the_user_everywhere(client, alice, carol):
    for _ in range(5):
        sign_in(client, "login", "alice", "wrong")
    assert sign_in(client, "login", "alice", "pw-alice").status_code == 429
    assert sign_in(client, "login", "carol", "pw-carol").status_code == 302  # another user, same address
    client.logout()
    assert sign_in(client, "login", "alice", "pw-alice", address="198.51.100.9").status_code == 302


def test_behind_the_proxy_the_forwarded_address_is_counted(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        sign_in(client, "login", "alice", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    locked = sign_in(client, "login", "alice", "pw-alice", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    # The same proxy forwarding alice from elsewhere: not locked, the proxy's address is not the key.
    ok = sign_in(client, "login", "alice", "pw-alice", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert ok.status_code == 302


def test_a_forged_forwarded_address_cannot_dodge_the_lock(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for index in range(5):
        # The client writes its own X-Forwarded-For; the proxy appends the real address.
        forged = f"198.51.100.{index}, 203.0.113.7"
        sign_in(client, "login", "alice", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR=forged)
    locked = sign_in(
        client, "login", "alice", "pw-alice", address="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert locked.status_code == 429
