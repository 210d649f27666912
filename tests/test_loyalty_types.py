import numpy as np
from conftest import make_scenario

from sim.api import run
from sim.loyalty_types import LATENT, NONE, SPURIOUS, TRUE
from sim.model import Market
from sim.step import Choices, Visit


def test_types_partition_active_customers():
    res = run(make_scenario())
    d = res.trajectories
    total = d.loyal_true + d.loyal_spurious + d.loyal_latent + d.loyal_none
    assert (total == d.customers_active).all()
    assert ((d.lost_loyal_true + d.lost_loyal_spurious + d.lost_loyal_latent
             + d.lost_loyal_none) <= d.lost).all()


def test_classification_rule():
    m = Market(make_scenario())
    c, lt = m.customers, m.loyalty
    ids = np.arange(4)
    for f in range(2):
        c.status[f, ids] = 1
    # customer 0: liked and visits x -> true; 1: disliked but visits -> spurious;
    # 2: liked, rarely visits -> latent; 3: neither -> none
    for name in ("satisfaction", "trust", "affective", "expectation"):
        getattr(c, name)[0, ids] = [0.9, 0.1, 0.9, 0.1]
        getattr(c, name)[1, ids] = 0.3
    lt.visit_share[0, ids] = [0.9, 0.9, 0.1, 0.1]
    lt._attitude_t = -1
    lt._classify(0)
    assert list(lt.kind[0, ids]) == [TRUE, SPURIOUS, LATENT, NONE]


def test_visit_share_moves_toward_where_served():
    m = Market(make_scenario(**{"params.loyalty_types.patronage_memory": 0.5}))
    lt = m.loyalty
    lt.visit_share[:, :3] = 0
    idx = np.array([0, 1, 2])
    empty = np.zeros(0, np.float32)
    visits = [Visit(f, np.array([f]), idx[[f]], empty, empty, empty) for f in (0, 1)]
    lt.after_losses(Choices(idx, idx, empty, empty), visits)
    assert np.allclose(lt.visit_share[0, :3].astype(float), [0.5, 0, 0])
    assert np.allclose(lt.visit_share[1, :3].astype(float), [0, 0.5, 0])


def test_disabled_gives_nan():
    res = run(make_scenario(**{"params.loyalty_types.enabled": False, "horizon": 3}))
    assert res.trajectories.loyal_true.isna().all()
    assert res.model.loyalty is None  # a disabled mechanism is not built


def test_float16_conversions_equal_astype():
    # every float16 widened; float32 in [0, 2] narrowed: random ones, and all around the
    # float16 subnormal/normal boundary and rounding ties (exhaustively checked once on [0, 2])
    from sim.loyalty_types import WIDE, narrow

    half = np.arange(1 << 16).astype(np.uint16).view(np.float16)
    assert np.array_equal(WIDE.view(np.uint32), half.astype(np.float32).view(np.uint32))
    rng = np.random.default_rng(0)
    top = int(np.float32(2.0).view(np.uint32))
    edge = int(np.float32(2.0 ** -14).view(np.uint32))
    bits = np.concatenate([rng.integers(0, top + 1, 1_000_000), np.arange(edge - 70_000,
                                                                         edge + 70_000),
                           np.arange(0, 70_000), np.arange(top - 70_000, top + 1)])
    x = bits.astype(np.uint32).view(np.float32)
    assert np.array_equal(narrow(x), x.astype(np.float16).view(np.uint16))
