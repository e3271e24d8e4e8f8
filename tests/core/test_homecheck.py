"""$CANBAO_HOME checks: dm-crypt detection from (fake) mountinfo and sysfs, permissions, key placement,
and `canbao serve` refusing an unencrypted home when required."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from canbao.core import homecheck
from canbao.core.homecheck import Mount, check_home, dm_crypt_backed, mount_for, parse_mountinfo

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
40 27 253:1 / /srv/canbao rw,relatime shared:20 - ext4 /dev/mapper/vg-canbao rw
41 27 253:3 / /srv/plain rw,relatime shared:21 - xfs /dev/mapper/vg-plain rw
42 27 253:0 / /srv/with\\040space rw,relatime - ext4 /dev/mapper/luks-abc rw
43 40 0:50 / /srv/canbao/tmp rw - tmpfs tmpfs rw
"""


def _device(sys_root: Path, dev: str, uuid: str | None = None, slaves: tuple[str, ...] = ()) -> None:
    base = sys_root / "dev" / "block" / dev
    base.mkdir(parents=True)
    if uuid is not None:
        (base / "dm").mkdir()
        (base / "dm" / "uuid").write_text(uuid + "\n")
    (base / "slaves").mkdir()
    for i, below in enumerate(slaves):
        slave = base / "slaves" / f"dm-{i}-{below.replace(':', '_')}"
        slave.mkdir()
        (slave / "dev").write_text(below + "\n")


@pytest.fixture
def sys_root(tmp_path: Path) -> Path:
    root = tmp_path / "sys"
    _device(root, "253:0", "CRYPT-LUKS2-0123456789abcdef-luks-abc")  # LUKS
    _device(root, "253:1", "LVM-abcdefgh", slaves=("253:0",))  # LVM on LUKS
    _device(root, "253:2", "LVM-plainpv")  # plain LVM on a disk
    _device(root, "253:3", "LVM-ijkl", slaves=("253:2",))
    _device(root, "259:2")  # a bare partition
    return root


def test_parse_mountinfo_and_find_the_mount_of_a_path() -> None:
    mounts = parse_mountinfo(MOUNTINFO)
    assert Mount("/srv/with space", "253:0", "ext4", "/dev/mapper/luks-abc") in mounts
    assert mount_for(Path("/srv/canbao/raw/ab"), mounts).device == "253:1"  # type: ignore[union-attr]
    assert mount_for(Path("/srv/canbao"), mounts).device == "253:1"  # type: ignore[union-attr]
    assert mount_for(Path("/srv/canbao/tmp/x"), mounts).fstype == "tmpfs"  # type: ignore[union-attr]
    assert mount_for(Path("/srv/canbaox"), mounts).device == "259:2"  # type: ignore[union-attr]
    assert mount_for(Path("/srv/with space/a"), mounts).device == "253:0"  # type: ignore[union-attr]


def test_dm_crypt_detected_directly_and_below_lvm(sys_root: Path) -> None:
    assert dm_crypt_backed("253:0", sys_root)
    assert dm_crypt_backed("253:1", sys_root)  # LVM whose physical volume is a LUKS mapping
    assert not dm_crypt_backed("253:3", sys_root)
    assert not dm_crypt_backed("259:2", sys_root)
    assert not dm_crypt_backed("8:99", sys_root)  # unknown device


def _report(tmp_path: Path, sys_root: Path, home: Path) -> homecheck.HomeReport:
    mountinfo = tmp_path / "mountinfo"
    # The fake mount table puts the test's home on the given device.
    mountinfo.write_text(MOUNTINFO.replace("/srv/canbao ", f"{home} ", 1))
    return check_home(root=home, mountinfo=mountinfo, sys_root=sys_root)


def test_report_encrypted_home_and_key_file_placement(
    tmp_path: Path, sys_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("CANBAO_KEY_FILE", str(home / "keys" / "keys.json"))
    report = _report(tmp_path, sys_root, home)
    assert report.encrypted and report.key_on_same_volume and not report.ok
    assert any("同一卷" in line for line in report.findings)
    plain = parse_mountinfo(MOUNTINFO.replace("/srv/plain ", f"{home} ", 1))
    assert not homecheck.is_encrypted(mount_for(home, plain), sys_root)  # type: ignore[arg-type]


def test_loose_permissions_found_and_tightened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "staged").mkdir(parents=True, mode=0o755)
    os.chmod(home, 0o700)
    os.chmod(home / "staged", 0o755)  # noqa: S103 - the loose folder under test
    leaky = home / "staged" / "persons.parquet"
    leaky.write_text("x")
    os.chmod(leaky, 0o644)
    private = home / "raw.csv"
    private.write_text("x")
    os.chmod(private, 0o400)
    loose = homecheck.loose_permissions(home)
    assert set(loose) == {home / "staged", leaky}
    homecheck.tighten(loose)
    assert homecheck.loose_permissions(home) == []
    assert (home / "staged").stat().st_mode & 0o777 == 0o700 and leaky.stat().st_mode & 0o777 == 0o600
    assert private.stat().st_mode & 0o777 == 0o400  # read-only raw files stay read-only


def test_files_written_by_the_cli_process_are_private(tmp_path: Path) -> None:
    import subprocess
    import sys

    # restrict_umask is what `canbao …` and the WSGI module call first; DuckDB writes Parquet under it.
    script = (
        "from canbao.core.home import restrict_umask; restrict_umask();"
        "import duckdb, sys; d = sys.argv[1];"
        "duckdb.sql(f\"COPY (SELECT 1 AS a) TO '{d}/out.parquet' (FORMAT parquet)\");"
        "import os; os.makedirs(d + '/sub')"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True)
    assert (tmp_path / "out.parquet").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "sub").stat().st_mode & 0o777 == 0o700


def test_serve_refuses_an_unencrypted_home_only_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    from canbao.cli import home as cli_home

    fake = homecheck.HomeReport(
        home=Path("/srv/x"), mount=None, encrypted=False, key_file=Path("/etc/k"), key_on_same_volume=False
    )
    monkeypatch.setattr(homecheck, "check_home", lambda **_: fake)
    monkeypatch.delenv("CANBAO_REQUIRE_ENCRYPTED_HOME", raising=False)
    assert cli_home.encrypted_home_guard() is None  # a warning in the log only
    monkeypatch.setenv("CANBAO_REQUIRE_ENCRYPTED_HOME", "1")
    refusal = cli_home.encrypted_home_guard()
    assert refusal and "拒绝启动" in refusal
    from canbao.cli.main import main

    assert main(["serve", "--port", "1"]) == 1  # refused before anything starts
    encrypted = homecheck.HomeReport(
        home=Path("/srv/x"), mount=None, encrypted=True, key_file=Path("/etc/k"), key_on_same_volume=False
    )
    monkeypatch.setattr(homecheck, "check_home", lambda **_: encrypted)
    assert cli_home.encrypted_home_guard() is None
