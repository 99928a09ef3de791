#!/usr/bin/python3
"""Reference values for tests/channels/fec_test.cpp: the codeword and output bit error ratios of
Reed-Solomon codes under independent bit errors, from scipy.stats.binom (an implementation
independent of phylane's log-domain tail sum). Prints the table the test holds.
Run: /usr/bin/python3 tests/reference/fec/rs_reference.py"""
import numpy as np
from scipy.stats import binom


def ratios(n, k, m, ber):
    t = (n - k) // 2
    ps = 1.0 - (1.0 - ber) ** m          # a symbol with at least one bit error
    i = np.arange(t + 1, n + 1)
    cer = binom.sf(t, n, ps)             # more than t symbol errors: uncorrectable
    out = (i / n * binom.pmf(i, n, ps)).sum() * ber / ps
    return cer, out


for n, k in [(528, 514), (544, 514)]:
    for ber in [1e-6, 1e-5, 1e-4, 2.4e-4, 1e-3]:
        cer, out = ratios(n, k, 10, ber)
        print(f"  {{{n}, {k}, {ber:g}, {cer:.10e}, {out:.10e}}},")
