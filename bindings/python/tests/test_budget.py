"""pipeline.run(max_bytes=...): the memory budget admits files one by one; a file
over the budget runs alone with a warning, and results do not change."""
import panalyzer as pa

from conftest import data, need


def test_max_bytes_same_results_and_warnings():
    need("pa_pipeline_run")
    paths = [data("1crn.pdb"), data("1CRN.cif"), data("1crn.pdb.gz")] * 3
    free = pa.run_all(paths, threads=2)
    tight = pa.run_all(paths, threads=2, max_bytes=1)
    assert [(r.path, r.status, r.chains) for r in tight] == [(r.path, r.status, r.chains) for r in free]
    assert all(any("memory budget" in d.message for d in r.diagnostics) for r in tight)
    roomy = pa.run_all(paths, threads=2, max_bytes=1 << 30)
    assert not any("memory budget" in d.message for r in roomy for d in r.diagnostics)
