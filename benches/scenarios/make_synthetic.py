#!/usr/bin/env python3
"""Write the synthetic scaling scenarios from the embedded GGVV default.

- ggvv_x3_12_kommuner.toml: every kommun split into three equal thirds (names suffixed " 2",
  " 3"): costs, volumes and key shares divided by three, so the GGVV totals stay (almost, volumes
  are rounded) the same and only the kommun count grows.
- ggvv_horizon_2047.toml / ggvv_horizon_2059.toml: the default with 24 and 36 years.

Only for measuring how the cost of a run grows with kommuner and years (README, Performance);
the figures are not a case. Regenerate with: python3 benches/scenarios/make_synthetic.py
"""

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = (HERE.parent.parent / "models" / "scenarios" / "ggvv.toml").read_text()
NOTE = "# SYNTHETIC scaling scenario written by benches/scenarios/make_synthetic.py: not a case.\n"


def third_of(block):
    """A kommun block with its volumes (rounded) and 2024 costs divided by three."""
    out = []
    for line in block.splitlines(keepends=True):
        if line.startswith("cost_2024_tkr"):
            line = re.sub(r"= ([0-9.]+)", lambda m: f"= {float(m.group(1)) / 3!r}", line)
        elif re.match(r"[a-z_]+ = [0-9]+\s*$", line):
            k, v = line.split(" = ")
            line = f"{k} = {max(1, round(int(v) / 3))}\n"
        out.append(line)
    return "".join(out)


def x3(text):
    blocks = re.findall(r"\[\[kommuner\]\]\n(?:[^\n]+\n)*", text)
    names = [re.search(r'name = "(.*?)"', b).group(1) for b in blocks]
    third = [third_of(b) for b in blocks]
    for b, t in zip(blocks, third):
        text = text.replace(b, t, 1)
    extra = ""
    for copy in (2, 3):
        for t, n in zip(third, names):
            extra += "\n" + t.replace(f'name = "{n}"', f'name = "{n} {copy}"', 1)
    text = text.replace(third[-1], third[-1] + extra, 1)

    def shares(m):
        pairs = re.findall(r'"?([^",{}=]+?)"?\s*=\s*([0-9.]+)', m.group(1))
        out = []
        for copy in ("", " 2", " 3"):
            for k, v in pairs:
                out.append(f'"{k.strip()}{copy}" = {float(v) / 3!r}')
        return "shares_pct = { " + ", ".join(out) + " }"

    return re.sub(r"shares_pct = \{(.*?)\}", shares, text)


(HERE / "ggvv_x3_12_kommuner.toml").write_text(NOTE + x3(DEFAULT))
for year in (2047, 2059):
    text = re.sub(r"horizon_year = 2035", f"horizon_year = {year}", DEFAULT, count=1)
    (HERE / f"ggvv_horizon_{year}.toml").write_text(NOTE + text)
