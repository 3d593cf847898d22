#!/usr/bin/env python3
"""Writes valid .deb files fast, for the APT benchmarks (dpkg-deb -b takes ~20 ms a package).

  make-debs.py set DIR N [E] N packages epc-pkg-00001..N in DIR/pool/, plus E (default 3) more
                             in DIR/extra/ (the "daily uploads"); DIR/.complete when done
  make-debs.py big FILE MB   one package of about MB MiB (an uncompressed data.tar of random bytes)

A .deb is an ar archive of debian-binary ("2.0\\n"), control.tar.gz (./control) and data.tar.gz,
in that order (deb(5)). Control fields are realistic (Depends, Section, Priority, Installed-Size,
Homepage, a multi-line Description of 300-600 bytes) so that index sizes are too. Output is
deterministic: the same N gives the same bytes, so every tool gets identical packages.
"""
import gzip
import io
import os
import random
import sys
import tarfile

MTIME = 1764000000  # fixed, for reproducible files
GENERATOR_VERSION = "1"  # bump when the output changes: cached sets are rebuilt

WORDS = (
    "subscriber session bearer tunnel gateway policy charging tracking area handover paging "
    "diameter gtp s1ap nas sctp attach detach authentication vector roaming quota counter "
    "metrics exporter probe collector tenant fleet node cell sector carrier spectrum backhaul "
    "latency throughput jitter alarm trap inventory firmware rollout canary rollback schema "
    "migration replica snapshot journal audit retention rotation certificate keyring vault"
).split()
SECTIONS = ["net", "admin", "utils", "libs", "misc", "comm"]
LIBS = ["libc6 (>= 2.34)", "libssl3 (>= 3.0.0)", "libsctp1 (>= 1.0.10)", "zlib1g (>= 1:1.2.0)",
        "libstdc++6 (>= 12)", "libsqlite3-0 (>= 3.40)", "libgnutls30 (>= 3.7.9)"]


def ar_member(name: str, data: bytes) -> bytes:
    header = f"{name:<16}{MTIME:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n".encode()
    assert len(header) == 60
    return header + data + (b"\n" if len(data) % 2 else b"")


def tar_bytes(entries, compress: bool) -> bytes:
    """entries: list of (path, bytes or None for a directory)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for path, content in entries:
            info = tarfile.TarInfo(path)
            info.mtime = MTIME
            info.uname = info.gname = "root"
            if content is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    raw = buf.getvalue()
    return gzip.compress(raw, compresslevel=6, mtime=0) if compress else raw


def deb(control: str, data_entries, compress_data=True) -> bytes:
    control_tar = tar_bytes([("./", None), ("./control", control.encode())], True)
    data_tar = tar_bytes(data_entries, compress_data)
    return (b"!<arch>\n" + ar_member("debian-binary", b"2.0\n") +
            ar_member("control.tar.gz", control_tar) +
            ar_member("data.tar.gz" if compress_data else "data.tar", data_tar))


def description(rng: random.Random, name: str) -> str:
    target = rng.randint(300, 600)
    summary = f"EPC fleet {rng.choice(WORDS)} {rng.choice(WORDS)} component ({name})"
    lines, line, total = [], [], len(summary)
    while total < target:
        w = rng.choice(WORDS)
        line.append(w)
        total += len(w) + 1
        if sum(len(x) + 1 for x in line) > 70:
            lines.append(" " + " ".join(line))
            line = []
            if rng.random() < 0.15 and total < target - 40:
                lines.append(" .")
    if line:
        lines.append(" " + " ".join(line) + ".")
    return summary + "\n" + "\n".join(lines)


def package(i: int, n: int, version_suffix: str = "") -> tuple[str, bytes]:
    rng = random.Random(i * 7919 + 17)
    name = f"epc-pkg-{i:05d}"
    version = f"{1 + i % 4}.{i % 37}.{i % 101}-{1 + i % 3}{version_suffix}"
    readme = (description(rng, name) + "\n").encode() * 3
    binary = rng.randbytes(rng.randint(512, 2048))
    installed_kb = (len(readme) + len(binary) + 1023) // 1024 + 4
    depends = rng.sample(LIBS, rng.randint(1, 3))
    if i > 1:
        depends.append(f"epc-pkg-{rng.randint(1, max(1, min(i - 1, n))):05d} (>= 1.0)")
    control = (
        f"Package: {name}\n"
        f"Version: {version}\n"
        "Architecture: amd64\n"
        "Maintainer: EPC Fleet Packaging <packaging@epcfleet.example>\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: {', '.join(depends)}\n"
        f"Section: {rng.choice(SECTIONS)}\n"
        "Priority: optional\n"
        f"Homepage: https://epcfleet.example/packages/{name}\n"
        f"Description: {description(rng, name)}\n"
    )
    doc = f"./usr/share/doc/{name}/"
    data = [("./", None), ("./usr/", None), ("./usr/lib/", None), ("./usr/lib/epc/", None),
            (f"./usr/lib/epc/{name}.so", binary), ("./usr/share/", None),
            ("./usr/share/doc/", None), (doc, None), (doc + "README", readme)]
    return f"{name}_{version}_amd64.deb", deb(control, data)


def write(path: str, content: bytes) -> None:
    with open(path, "wb") as f:
        f.write(content)


def make_set(out: str, n: int, extra: int) -> None:
    stamp = os.path.join(out, ".complete")
    key = f"{GENERATOR_VERSION} {n} {extra}"
    if os.path.exists(stamp) and open(stamp).read().strip() == key:
        return
    os.makedirs(os.path.join(out, "pool"), exist_ok=True)
    os.makedirs(os.path.join(out, "extra"), exist_ok=True)
    for d in ("pool", "extra"):
        for f in os.listdir(os.path.join(out, d)):
            os.unlink(os.path.join(out, d, f))
    for i in range(1, n + 1):
        name, content = package(i, n)
        write(os.path.join(out, "pool", name), content)
    for i in range(n + 1, n + extra + 1):
        name, content = package(i, n)
        write(os.path.join(out, "extra", name), content)
    write(stamp, f"{key}\n".encode())


def make_big(path: str, mib: int) -> None:
    if os.path.exists(path) and os.path.getsize(path) > mib << 20:
        return
    rng = random.Random(42)
    control = ("Package: epc-firmware-bundle\nVersion: 1.0-1\nArchitecture: amd64\n"
               "Maintainer: EPC Fleet Packaging <packaging@epcfleet.example>\n"
               f"Installed-Size: {mib * 1024}\nSection: misc\nPriority: optional\n"
               "Description: firmware bundle for the download benchmark\n"
               " Random bytes, stored uncompressed.\n")
    data = [("./", None), ("./usr/", None), ("./usr/lib/", None),
            ("./usr/lib/epc-firmware.bin", rng.randbytes(mib << 20))]
    tmp = path + ".tmp"
    write(tmp, deb(control, data, compress_data=False))
    os.replace(tmp, path)


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "set":
        make_set(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) == 5 else 3)
    elif len(sys.argv) == 4 and sys.argv[1] == "big":
        make_big(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
