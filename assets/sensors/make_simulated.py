#!/usr/bin/env python3
"""Writes simulated-community.jsonl: SIMULATED readings (not measurements) for the default
scene's non-air-quality sensors, one JSON batch per 5 minutes over one day (Beijing time),
with a few planned incidents so the alert rules have something to find:
  - 02:00-02:40 basement water rises above 0.3 m (critical), then drains;
  - 08:00-08:30 and 18:00-18:30 noise above 70 dB(A) (construction, rush hour);
  - 13:05 one smoke spike; 15:00 a NaN from the lift vibration sensor (quality alert);
  - 16:00-18:00 the parking sensor goes silent (stale alert).
Deterministic (fixed seed). Run: python3 make_simulated.py > simulated-community.jsonl
"""
import json
import math
import random

random.seed(20240501)
START_MS = 1714492800000  # 2024-05-01T00:00:00+08:00
STEP_MS = 5 * 60 * 1000


def readings(i):
    minute = i * 5
    hour = minute / 60.0
    out = []
    water = 0.05 + 0.01 * random.random()
    if 120 <= minute < 160:
        water = 0.05 + 0.4 * math.sin(math.pi * (minute - 120) / 40.0)
    out.append(("sim.b3.water", round(water, 3)))
    noise = 48 + 8 * math.sin(math.pi * (hour - 6) / 12.0) + 2 * random.random()
    if 480 <= minute < 510 or 1080 <= minute < 1110:
        noise = 74 + 3 * random.random()
    out.append(("sim.gate.noise", round(noise, 1)))
    smoke = 0.02 + 0.02 * random.random()
    if minute == 785:
        smoke = 3.5
    out.append(("sim.b5.smoke", round(smoke, 3)))
    lift = 0.2 + 0.1 * random.random()
    out.append(("sim.b2.lift", None if minute == 900 else round(lift, 3)))
    if not (960 <= minute < 1080):
        occupied = 0.35 + 0.55 * (0.5 + 0.5 * math.cos(math.pi * (hour - 2) / 12.0))
        out.append(("sim.p1.parking", round(100 * min(occupied + 0.03 * random.random(), 1.0), 1)))
    power = 180 + 120 * (0.5 + 0.5 * math.sin(math.pi * (hour - 9) / 12.0)) + 10 * random.random()
    out.append(("sim.substation.power", round(power, 1)))
    return out


for i in range(24 * 12):
    ts = START_MS + i * STEP_MS
    batch = [{"sensor": s, "ts": ts, "value": v} for s, v in readings(i)]
    print(json.dumps(batch, ensure_ascii=False, separators=(",", ":")))
