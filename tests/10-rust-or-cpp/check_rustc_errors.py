"""Output check of rustc_errors: rustc rejects each program with the expected error code,
and every path it prints is relative to the repository."""
import re

EXPECTED = {
    "shared_mut.rs": ["E0499"],
    "borrow_local.rs": ["E0373"],
    "rc_send.rs": ["E0277", "cannot be sent between threads safely"],
    "arc_no_mut.rs": ["E0594"],
    "arc_refcell.rs": ["E0277", "cannot be shared between threads safely"],
}


def check(output, args):
    blocks = re.split(r"^\$ ", output, flags=re.M)[1:]
    assert len(blocks) == len(EXPECTED), f"{len(EXPECTED)} compilations expected"
    for block in blocks:
        first = block.splitlines()[0]
        name = first.rsplit("/", 1)[-1]
        assert name in EXPECTED, f"unexpected file {name}"
        for text in EXPECTED[name]:
            assert text in block, f"{name}: rustc did not say {text}"
        assert "exit status: 1" in block, f"{name}: rustc must reject it"
    for path in re.findall(r"--> (\S+)", output):
        assert path.startswith("code/10-rust-or-cpp/"), f"not repository-relative: {path}"
