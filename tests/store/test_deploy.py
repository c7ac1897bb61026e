"""The deployment example (docs/deploy) is consistent with itself and with the store's DDL:
files parse, every ClickHouse node has its macros, the cluster named in Hubbub's settings is the
one the servers define, and secrets come from the environment."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

DEPLOY = Path(__file__).parents[2] / "docs" / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))


def test_three_nats_three_keepers_four_clickhouse_servers(compose):
    names = set(compose["services"])
    assert {"nats-1", "nats-2", "nats-3", "keeper-1", "keeper-2", "keeper-3"} <= names
    assert {"ch-1", "ch-2", "ch-3", "ch-4", "serve", "enrich"} <= names
    for n in (1, 2, 3):
        command = compose["services"][f"nats-{n}"]["command"]
        assert "-js" in command and command[command.index("-n") + 1] == f"nats-{n}"


def test_every_clickhouse_node_is_a_replica_of_the_cluster(compose):
    cluster = ET.parse(DEPLOY / "clickhouse" / "cluster.xml").getroot()
    hosts = [r.findtext("host") for r in cluster.find("remote_servers").iter("replica")]
    assert hosts == ["ch-1", "ch-2", "ch-3", "ch-4"]
    assert {m.get("from_env") for m in cluster.find("macros")} == {"CH_SHARD", "CH_REPLICA"}
    for host in hosts:
        env = compose["services"][host]["environment"]
        assert env["CH_REPLICA"] == host and env["CH_SHARD"] in ("1", "2")
    keeper = ET.parse(DEPLOY / "keeper" / "keeper.xml").getroot()
    assert len(list(keeper.iter("server"))) == len(list(cluster.find("zookeeper"))) == 3


def test_hubbub_uses_that_cluster_and_secrets_from_env(compose):
    cluster = ET.parse(DEPLOY / "clickhouse" / "cluster.xml").getroot()
    defined = [c.tag for c in cluster.find("remote_servers")]
    env = compose["x-hubbub"]["environment"]
    assert [env["HUBBUB_CLICKHOUSE_CLUSTER"]] == defined
    assert env["HUBBUB_STORE"].startswith("clickhouse://hubbub@ch-1:8123/")
    assert env["HUBBUB_CLICKHOUSE_PASSWORD"].startswith("${HUBBUB_CLICKHOUSE_PASSWORD")
    assert env["HUBBUB_BUS"].count("nats://") == 3
    users = ET.parse(DEPLOY / "clickhouse" / "users.xml").getroot()
    assert users.find("users/hubbub/password").get("from_env") == "HUBBUB_CLICKHOUSE_PASSWORD"
