"""Worker subprocess of the fuzz suite: runs cases sent by fuzz_harness.

Protocol: the parent writes length-prefixed pickles of case dicts on stdin; for
each the worker writes back one length-prefixed pickle of the outcome dict
(see fuzz_targets.run_case). Python's own stdout is redirected to stderr so
library output cannot corrupt the protocol. A crash (signal) or a hang is seen
by the parent as a dead or silent pipe.

Run by hand to reproduce a case:  python tests/fuzz/fuzz_worker.py --case "<repr of case>"
"""
import os
import pickle
import resource
import struct
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Address-space cap: an impossible allocation is a MemoryError, never the OOM killer.
# FASTML_FUZZ_MEM_CAP=0 turns it off (AddressSanitizer reserves terabytes of
# shadow address space; there its allocator_may_return_null plays the same role).
_CAP = int(os.environ.get("FASTML_FUZZ_MEM_CAP", str(6 << 30)))


def _limit_memory():
    if _CAP <= 0:
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = _CAP if hard == resource.RLIM_INFINITY else min(_CAP, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        pass


def _read(f, n):
    b = b""
    while len(b) < n:
        chunk = f.read(n - len(b))
        if not chunk:
            return None
        b += chunk
    return b


def main():
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)                      # print() in library code goes to stderr
    sys.stdout = sys.stderr
    proto_in = sys.stdin.buffer
    warnings.simplefilter("ignore")
    _limit_memory()
    import fuzz_targets               # imports fastml (the slow part, done once)

    proto_out.write(struct.pack("<Q", 0))   # ready
    while True:
        head = _read(proto_in, 8)
        if head is None:
            return
        (n,) = struct.unpack("<Q", head)
        case = pickle.loads(_read(proto_in, n))
        out = fuzz_targets.run_case(case)
        out["mapped"] = fuzz_targets.mapped_bytes()
        blob = pickle.dumps(out)
        proto_out.write(struct.pack("<Q", len(blob)) + blob)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--case":
        warnings.simplefilter("ignore")
        import fuzz_targets

        case = eval(sys.argv[2], {"inf": float("inf"), "nan": float("nan")})
        print(fuzz_targets.run_case(case))
    else:
        main()
