"""`canbao user create`: roles, 三员分立, password rules, TOTP for admins."""

from __future__ import annotations

import pytest

from canbao.accounts.models import User
from canbao.audit.models import AuditRecord
from canbao.cli.main import main

pytestmark = pytest.mark.django_db


def create(*args: str) -> int:
    return main(["user", "create", *args])


def test_admin_role_never_combines(city, capsys) -> None:
    code = create(
        "--username",
        "mix",
        "--role",
        "sysadmin",
        "--role",
        "viewer",
        "--node",
        "320100000000",
        "--password",
        "Abc@12345678",
    )
    assert code == 1
    assert "三员分立" in capsys.readouterr().err
    assert not User.objects.filter(username="mix").exists()


def test_business_roles_combine_and_are_audited(city, capsys) -> None:
    code = create(
        "--username",
        "clerk",
        "--role",
        "township_clerk",
        "--role",
        "viewer",
        "--node",
        "320102001000",
        "--password",
        "Abc@12345678",
    )
    assert code == 0
    user = User.objects.get(username="clerk")
    assert user.role_keys == ["township_clerk", "viewer"] and user.node_id == "320102001000"
    assert AuditRecord.objects.filter(action="user_create", object_ref="clerk").exists()


def test_admin_gets_totp_secret(city, capsys) -> None:
    assert (
        create(
            "--username", "sec", "--role", "secadmin", "--node", "320100000000", "--password", "Abc@12345678"
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "TOTP" in out and User.objects.get(username="sec").totp_secret in out


@pytest.mark.parametrize("password", ["short1A", "alllowercase1", "ALLUPPER999"])
def test_weak_passwords_are_refused(city, capsys, password: str) -> None:
    assert (
        create("--username", "weak", "--role", "viewer", "--node", "320100000000", "--password", password)
        == 1
    )
    assert not User.objects.filter(username="weak").exists()


def test_unknown_node_and_role(city, capsys) -> None:
    assert (
        create("--username", "x", "--role", "viewer", "--node", "999999999999", "--password", "Abc@12345678")
        == 1
    )
    assert "不存在" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        create("--username", "x", "--role", "king", "--node", "320100000000", "--password", "Abc@12345678")
    assert exc.value.code == 2


def test_user_totp_prints_a_working_code_and_is_audited(city, capsys) -> None:
    import pyotp

    from canbao.cli.main import main

    assert main(["user", "totp", "--username", "auditor"]) == 0
    out = capsys.readouterr().out
    secret = User.objects.get(username="auditor").totp_secret
    assert pyotp.TOTP(secret).verify(out.split("当前验证码：")[1][:6], valid_window=1)
    assert f"secret={secret}" in out
    assert AuditRecord.objects.filter(action="totp_show", object_ref="auditor").exists()
    assert main(["user", "totp", "--username", "viewer"]) == 1  # business accounts have no second factor
