#!/usr/bin/env python3
"""Writes simulated-qianjiang.jsonl: SIMULATED readings (not measurements) for the sensors of
scenes/hangzhou-qianjiang.json, bound to real buildings of the 丰瑞北苑 compound (OSM ways
5818145xx), one JSON batch per 5 minutes over one day, 2026-06-18 (China Standard Time, UTC+8;
the plum-rain season 梅雨季), with planned episodes so the alert rules have something to find:
  - 13:30-16:30 a rainstorm: the garage water level under building way/581814552 rises from
    0.04 m past 0.3 m (critical; above it 14:35-15:25, peaking at 0.52 m at 15:05), then the pumps drain it;
    the garage car park fills as residents come home early (above 95 % from 15:00 to 15:45);
  - 07:30-08:00 and 17:30-18:00 rush-hour noise above 70 dB(A) at the street-side building;
  - 11:20 one smoke spike (kitchen), 21:00 a lift vibration burst (major);
  - 19:00-19:40 the lift sensor goes silent (stale alert).
Deterministic (fixed seed). Run: python3 make_simulated_qianjiang.py > simulated-qianjiang.jsonl
"""
import json
import math
import random

random.seed(20260618)
START_MS = 1781712000000  # 2026-06-18T00:00:00+08:00
STEP_MS = 5 * 60 * 1000
PREFIX = "sim.fengrui."


def water_level(minute):
    # Rain starts at 13:30; the level follows the inflow with a lag, peaks at 15:05, pumps drain it by 16:30.
    base = 0.04 + 0.01 * random.random()
    if 810 <= minute < 905:
        return base + 0.48 * ((minute - 810) / 95.0) ** 1.5
    if 905 <= minute < 990:
        return base + 0.48 * (1.0 - (minute - 905) / 85.0) ** 2
    return base


def readings(i):
    minute = i * 5
    hour = minute / 60.0
    out = [("b552.garage.water", round(water_level(minute), 3))]
    noise = 47 + 9 * math.sin(math.pi * (hour - 6) / 12.0) + 2 * random.random()
    if 450 <= minute < 480 or 1050 <= minute < 1080:
        noise = 73 + 3 * random.random()
    out.append(("b549.noise", round(noise, 1)))
    smoke = 0.02 + 0.02 * random.random()
    if minute == 680:
        smoke = 3.2
    out.append(("b557.f12.smoke", round(smoke, 3)))
    if not (1140 <= minute < 1180):
        lift = 0.2 + 0.1 * random.random()
        if minute == 1260:
            lift = 2.4
        out.append(("b561.lift", round(lift, 3)))
    occupied = 0.40 + 0.50 * (0.5 + 0.5 * math.cos(math.pi * (hour - 2) / 12.0))
    if 900 <= minute < 950:
        occupied = 0.96 + 0.02 * random.random()
    out.append(("b544.garage.parking", round(100 * min(occupied + 0.02 * random.random(), 1.0), 1)))
    power = 210 + 140 * (0.5 + 0.5 * math.sin(math.pi * (hour - 9) / 12.0)) + 10 * random.random()
    out.append(("b566.power", round(power, 1)))
    return out


for i in range(24 * 12):
    ts = START_MS + i * STEP_MS
    batch = [{"sensor": PREFIX + s, "ts": ts, "value": v} for s, v in readings(i)]
    print(json.dumps(batch, ensure_ascii=False, separators=(",", ":")))
