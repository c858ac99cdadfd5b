"""Matching data is computed by jobs, off the request path: after an extraction job, and by the
periodic sweep for claims created or edited any other way."""
from __future__ import annotations

from api.db import database
from api.jobs.kinds.matching import sweep
from api.models import ClaimEmbedding, Job
from api.services import jobs
from tests.support import WAIT

ARTICLE = ("Senator Jane Smith said on Tuesday that unemployment fell to 3.5 percent last year. "
           "She also claimed that the new bridge cost taxpayers 40 million dollars.")


def test_an_extraction_job_is_followed_by_a_job_embedding_the_claims_it_created(api):
    source = api.post("/v1/sources", json={"kind": "article", "text": ARTICLE}).json["id"]
    result = api.post(f"/v1/sources/{source}/extraction", headers=WAIT).json
    assert result["claims"] and result["linked_claims"] == []
    with database.connection_context():
        embed = Job.get(Job.kind == "matching.embed")
        assert jobs.wait_for(embed.id, 60).status == "succeeded"
        assert ClaimEmbedding.select().count() == len(result["claims"])
    found = api.post("/v1/claims/matches", json={"text": "the new bridge cost 40 million dollars"}).json["data"]
    assert "bridge" in found[0]["claim"]["text"]


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
