"""Matching data is computed by jobs, off the request path: after an extraction job, and by the
periodic sweep for claims created or edited any other way."""
from __future__ import annotations

import json

from api.db import database
from api.jobs.kinds.matching import sweep
from api.models import ClaimEmbedding
from api.services import jobs
from api.services.audit import Actor
from tests.support import WAIT

ARTICLE = ("Senator Jane Smith said on Tuesday that unemployment fell to 3.5 percent last year. "
           "She also claimed that the new bridge cost taxpayers 40 million dollars.")


def test_an_extraction_job_stores_the_matching_data_of_the_claims_it_created(api):
    source = api.post("/v1/sources", json={"kind": "article", "text": ARTICLE}).json["id"]
    result = api.post(f"/v1/sources/{source}/extraction", headers=WAIT).json
    assert result["claims"] and result["linked_claims"] == []
    with database.connection_context():
        assert ClaimEmbedding.select().count() == len(result["claims"])
    found = api.post("/v1/claims/matches", json={"text": "the new bridge cost 40 million dollars"}).json["data"]
    assert "bridge" in found[0]["claim"]["text"]


def test_an_embedding_job_embeds_every_stale_claim_with_progress(api):
    text = "Drinking bleach cures the coronavirus infection."
    source = api.post("/v1/sources", json={"text": text}).json["id"]
    api.post("/v1/claims", json={"appearances": [{"source": source, "start": 0, "end": len(text)}]})
    with database.connection_context():
        job = jobs.submit("matching.embed", {"claims": None}, actor=Actor(None, "test"))
        done = jobs.wait_for(job.id, 60)
    assert (done.status, done.progress_done, done.progress_total) == ("succeeded", 1, 1)
    assert json.loads(done.result) == {"embedded": 1}


def test_the_sweep_embeds_claims_made_by_hand_and_then_nothing(api, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_MATCHING_SWEEP", "1")
    text = "Drinking bleach cures the coronavirus infection."
    source = api.post("/v1/sources", json={"text": text}).json["id"]
    claim = api.post("/v1/claims", json={"appearances": [{"source": source, "start": 0, "end": len(text)}]}).json
    assert api.post("/v1/claims/matches", json={"text": "bleach cure"}).json["data"] == []
    assert sweep() == 1 and sweep() == 0
    assert api.post("/v1/claims/matches", json={"text": "bleach cure"}).json["data"][0]["claim"]["id"] == claim["id"]


def test_the_sweep_is_off_when_configured_so(api, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_MATCHING_SWEEP", "0")
    text = "Drinking bleach cures the coronavirus infection."
    source = api.post("/v1/sources", json={"text": text}).json["id"]
    api.post("/v1/claims", json={"appearances": [{"source": source, "start": 0, "end": len(text)}]})
    assert sweep() == 0
