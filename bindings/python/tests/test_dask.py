"""panalyzer.dask on a small in-process LocalCluster (2 workers x 1 thread)."""
import pytest

import panalyzer as pa

from conftest import data, need

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # tornado, via dask


@pytest.fixture(scope="module")
def client():
    need("pa_pipeline_run")
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                           dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_dask_matches_local(client):
    import panalyzer.dask as pdask
    paths = [data("1crn.pdb"), data("1CRN.cif"), data("1crn.pdb.gz"), data("empty.pdb")] * 3
    local = pa.run_all(paths)
    dist = pdask.run_all(paths, client, files_per_task=5, threads=1)
    assert [r.index for r in dist] == list(range(len(paths)))
    assert [(r.path, r.status, r.atoms) for r in dist] == [(r.path, r.status, r.atoms) for r in local]
    assert [r.chains for r in dist] == [r.chains for r in local]


def test_dask_ordered(client):
    import panalyzer.dask as pdask
    paths = [data("1crn.pdb")] * 7
    res = list(pdask.run(paths, client, files_per_task=2, ordered=True))
    assert [r.index for r in res] == list(range(7))


def test_dask_passes_predict_ss_and_references(client):
    need("pa_result_chain_ss", "pa_result_chain_reference")
    import panalyzer.dask as pdask
    paths = [data("1crn.pdb"), data("1CRN.cif")] * 2
    refs = [("other", "MQIFVKTLTGKTITLEVEPS"), ("crn", "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN")]
    dist = pdask.run_all(paths, client, files_per_task=1, predict_ss=True, references=refs)
    local = pa.run_all(paths, predict_ss=True, references=refs)
    assert [r.chains for r in dist] == [r.chains for r in local]
    c = dist[0].chains[0]
    assert c.ss3 == pa.predict_ss(c.sequence) and c.reference.id == "crn"
