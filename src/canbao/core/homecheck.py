"""Is $CANBAO_HOME where ADR 0007 says it must be: an encrypted volume, private to the service account,
with the key file elsewhere?

Encryption is read from the kernel: the mount holding $CANBAO_HOME (/proc/self/mountinfo) and its
block device (/sys/dev/block/<major:minor>): a device-mapper device whose dm/uuid starts with
"CRYPT-" is dm-crypt (LUKS or plain); LVM or other layers on top of one are followed through
`slaves/`. Encryption below the operating system (a cloud provider's encrypted disk) cannot be seen
from here: the check reports "not seen" and the deployment record must say why that is fine.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from canbao.core.crypto import key_file
from canbao.core.home import home

# Stacked file-system encryption also keeps data encrypted at rest.
ENCRYPTED_FSTYPES = {"ecryptfs", "fuse.gocryptfs", "fuse.encfs", "fuse.cryfs"}
LOOSE_SHOWN = 10


@dataclass(frozen=True)
class Mount:
    mount_point: str
    device: str  # "major:minor"
    fstype: str
    source: str


def _unescape(text: str) -> str:
    # mountinfo writes space, tab, newline and backslash in paths as \ooo
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def parse_mountinfo(text: str) -> list[Mount]:
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if "-" not in parts or len(parts) < 5:
            continue
        sep = parts.index("-")
        fstype = parts[sep + 1] if len(parts) > sep + 1 else ""
        source = parts[sep + 2] if len(parts) > sep + 2 else ""
        mounts.append(Mount(_unescape(parts[4]), parts[2], fstype, _unescape(source)))
    return mounts


def mount_for(path: Path, mounts: list[Mount]) -> Mount | None:
    """The mount a path lives on: the longest mount point containing it (the later one of equals,
    as a later mount hides an earlier one at the same place)."""
    text = str(path)
    best: Mount | None = None
    for m in mounts:
        point = m.mount_point.rstrip("/") or "/"
        inside = text == point or text.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")):
            best = m
    return best


def dm_crypt_backed(device: str, sys_root: Path = Path("/sys"), _depth: int = 0) -> bool:
    """Whether block device `major:minor` is dm-crypt or sits on one (LVM on LUKS, …)."""
    if _depth > 8:
        return False
    base = sys_root / "dev" / "block" / device
    try:
        if (base / "dm" / "uuid").read_text().strip().startswith("CRYPT-"):
            return True
    except OSError:
        pass
    try:
        slaves = list((base / "slaves").iterdir())
    except OSError:
        return False
    for slave in slaves:
        try:
            below = (slave / "dev").read_text().strip()
        except OSError:
            continue
        if dm_crypt_backed(below, sys_root, _depth + 1):
            return True
    return False


def _device_of_source(source: str) -> str | None:
    # btrfs and some others report a virtual 0:N in mountinfo; the source device node is real.
    try:
        st = os.stat(source)
    except OSError:
        return None
    if not stat.S_ISBLK(st.st_mode):
        return None
    return f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"


def is_encrypted(mount: Mount, sys_root: Path = Path("/sys")) -> bool:
    if mount.fstype in ENCRYPTED_FSTYPES:
        return True
    if dm_crypt_backed(mount.device, sys_root):
        return True
    real = _device_of_source(mount.source) if mount.source.startswith("/dev/") else None
    return real is not None and real != mount.device and dm_crypt_backed(real, sys_root)


def loose_permissions(root: Path) -> list[Path]:
    """Folders and files under `root` that the group or others may use (all should be 0700/0600)."""
    loose = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            if not stat.S_ISLNK(st.st_mode) and st.st_mode & 0o077:
                loose.append(path)
    try:
        if root.stat().st_mode & 0o077:
            loose.insert(0, root)
    except OSError:
        pass
    return loose


def tighten(paths: list[Path]) -> None:
    for path in paths:
        os.chmod(path, stat.S_IMODE(path.lstat().st_mode) & ~0o077)


def same_volume(a: Path, b: Path) -> bool:
    def dev(p: Path) -> int:
        while not p.exists():
            p = p.parent
        return p.stat().st_dev

    return dev(a) == dev(b)


@dataclass
class HomeReport:
    home: Path
    mount: Mount | None
    encrypted: bool
    key_file: Path
    key_on_same_volume: bool
    loose: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.encrypted and not self.key_on_same_volume and not self.loose

    @property
    def findings(self) -> list[str]:
        where = (
            f"（{self.mount.source}，{self.mount.fstype}，挂载于 {self.mount.mount_point}）"
            if self.mount
            else ""
        )
        lines = [
            f"数据目录 {self.home}{where}："
            + (
                "位于加密卷上"
                if self.encrypted
                else "未检测到加密卷（部署要求：加密卷，见 docs/deploy-postgresql.md）"
            )
        ]
        if self.key_on_same_volume:
            lines.append(f"密钥文件 {self.key_file} 与数据在同一卷上：生产环境应以 CANBAO_KEY_FILE 放到别处")
        if self.loose:
            shown = "、".join(str(p) for p in self.loose[:LOOSE_SHOWN])
            more = f" 等 {len(self.loose)} 项" if len(self.loose) > LOOSE_SHOWN else ""
            lines.append(f"权限过宽（应为 0700/0600）：{shown}{more}；canbao check-home --fix 可收紧")
        return lines


def check_home(
    *,
    root: Path | None = None,
    mountinfo: Path = Path("/proc/self/mountinfo"),
    sys_root: Path = Path("/sys"),
    walk: bool = True,
) -> HomeReport:
    root = (root or home()).resolve()
    try:
        mounts = parse_mountinfo(mountinfo.read_text())
    except OSError:
        mounts = []
    mount = mount_for(root, mounts)
    keys = key_file().resolve()
    return HomeReport(
        home=root,
        mount=mount,
        encrypted=mount is not None and is_encrypted(mount, sys_root),
        key_file=keys,
        key_on_same_volume=same_volume(keys, root),
        loose=loose_permissions(root) if walk else [],
    )
