#!/usr/bin/env python3
"""Insertion loss of the IEEE 802.3ck COM reference die + package, from the Annex 93A equations.

Independent reference for tests/io/kr1_ck_test.cpp: phylane has no block type for the COM package
transmission line, so data/presets/kr1-ck-28db.toml approximates the package trace by short lossy
coupled striplines and the capacitances by lumped pi sections. This script evaluates the package
exactly as COM defines it, in the half-circuit (single-ended, R_0 = 50 ohm) form of Annex 93A:

  die:   shunt C_d, series L_s, shunt C_b (bump)          (93A-8 shunt C; series L)
  line:  z_p of Z_c = 87.5 ohm, then z_pB of Z_c = 92.5 ohm (93A-9 ... 93A-14):
         gamma(f) = gamma0 + a1 (1 + j) sqrt(f) + f [a2 (1 - j (2/pi) ln f) + j 2 pi tau], f in GHz,
         rho = (Z_c - 2 R_0)/(Z_c + 2 R_0),
         S11 = rho (1 - e^{-2 gamma z}) / (1 - rho^2 e^{-2 gamma z}),
         S21 = (1 - rho^2) e^{-gamma z} / (1 - rho^2 e^{-2 gamma z})
  ball:  shunt C_p
cascaded as chain (ABCD) matrices, S21 = 2 / (A + B/R_0 + C R_0 + D).

Values: the IEEE 802.3ck D3.1 KR COM configuration sheet (config_com_ieee8023_93a=3ck_d3p1_KR_11_30_21.xlsx,
mellitz_3ck_adhoc_01_032322_COM3p70.zip), package case 1, as transcribed in serdeskit
examples/compute_com_kr_backplane.py (github.com/cortalo/serdeskit): C_d = 1.2e-4 nF, L_s = 0.12 nH,
C_b = 0.3e-4 nF, C_p = 0.87e-4 nF, Z_c = [87.5, 92.5] ohm, z_p = 12 mm, z_pB = 1.8 mm,
package_tl_gamma0_a1_a2 = [0, 9.909e-4, 2.772e-4], package_tl_tau = 6.141e-3 ns/mm. The equations
are cross-checked against PyChOpMarg (github.com/capn-freako/PyChOpMarg, utility/sparams.py,
sCshunt / sPkgTline), which implements them the same way.

Run: /usr/bin/python3 tests/reference/com_package/com_package_93a.py > tests/reference/com_package/ck_kr_package_il.csv
     /usr/bin/python3 tests/reference/com_package/com_package_93a.py 31 > tests/reference/com_package/ck_kr_package_31mm_il.csv
The optional argument is z_p in mm (COM's second package case; 31 mm is the case-2 length of the
802.3ck C2C configuration, serdeskit examples/compute_com_c2c.py, z_p = [13, 31] mm; the KR
sheet's case-2 value was not read).
"""
import sys
import numpy as np

R0 = 50.0
C_D, L_S, C_B, C_P = 120e-15, 0.12e-9, 30e-15, 87e-15
SEGMENTS = [(87.5, 12.0), (92.5, 1.8)]  # (Z_c [ohm], length [mm])
GAMMA0, A1, A2, TAU = 0.0, 9.909e-4, 2.772e-4, 6.141e-3


def shunt(y):
    return np.array([[1, 0], [y, 1]], dtype=complex)


def series(z):
    return np.array([[1, z], [0, 1]], dtype=complex)


def line_abcd(f_hz, zc, zp_mm):
    fg = f_hz / 1e9
    g = GAMMA0 + A1 * (1 + 1j) * np.sqrt(fg) + fg * (A2 * (1 - 1j * 2 / np.pi * np.log(fg)) + 1j * 2 * np.pi * TAU)
    rho = (zc - 2 * R0) / (zc + 2 * R0)
    e1, e2 = np.exp(-g * zp_mm), np.exp(-2 * g * zp_mm)
    s11 = rho * (1 - e2) / (1 - rho**2 * e2)
    s21 = (1 - rho**2) * e1 / (1 - rho**2 * e2)
    # symmetric, reciprocal 2-port: S -> ABCD (Pozar, Microwave Engineering, 4th ed., Table 4.2)
    a = ((1 + s11) * (1 - s11) + s21 * s21) / (2 * s21)
    b = R0 * ((1 + s11) * (1 + s11) - s21 * s21) / (2 * s21)
    c = ((1 - s11) * (1 - s11) - s21 * s21) / (2 * s21) / R0
    return np.array([[a, b], [c, a]])


def package_il_db(f_hz):
    w = 2 * np.pi * f_hz
    m = shunt(1j * w * C_D) @ series(1j * w * L_S) @ shunt(1j * w * C_B)
    for zc, zp in SEGMENTS:
        m = m @ line_abcd(f_hz, zc, zp)
    m = m @ shunt(1j * w * C_P)
    s21 = 2 / (m[0, 0] + m[0, 1] / R0 + m[1, 0] * R0 + m[1, 1])
    return -20 * np.log10(abs(s21))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        SEGMENTS[0] = (SEGMENTS[0][0], float(sys.argv[1]))
    print("freq_hz,package_il_db")
    for f in [1e9, 5e9, 10e9, 13.28125e9, 20e9, 26.5625e9, 33e9, 40e9, 53.125e9]:
        print(f"{f:.6e},{package_il_db(f):.6f}")
