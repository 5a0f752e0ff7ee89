"""Output check of simd: four versions measured, lanes stated, identical results."""
import re


def check(output, args):
    m = re.search(r"^native_simd<float> lanes in this build: (\d+)$", output, re.M)
    assert m and int(m.group(1)) in (1, 2, 4, 8, 16), "the lane count is stated"
    for name in ["scalar", "plain loop (compiler's choice)", "#pragma omp simd", "std::experimental::simd"]:
        assert re.search(rf"^  {re.escape(name)} +[\d.]+ ns", output, re.M), f"{name} measured"
    assert "the four versions give bit-identical results: yes" in output
