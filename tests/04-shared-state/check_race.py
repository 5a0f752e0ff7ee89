"""Output check of race: the atomic counter is exact; the racy ones never gain, only lose."""
import re


def check(output, args):
    rows = {m[0]: (int(m[1]), int(m[2]), int(m[3]))
            for m in re.findall(r"^(plain|volatile|atomic)\s+expected\s+(\d+)\s+got\s+(-?\d+)\s+lost\s+(-?\d+)", output, re.M)}
    assert "atomic" in rows, "no line for the atomic counter"
    expected, got, lost = rows["atomic"]
    assert got == expected and lost == 0, f"the atomic counter lost updates: {rows['atomic']}"
    if "--skip-racy" not in args:
        for name in ("plain", "volatile"):
            assert name in rows, f"no line for the {name} counter"
            e, g, l = rows[name]
            assert 0 < g <= e and l == e - g, f"{name}: a racy counter can only lose increments: {rows[name]}"
