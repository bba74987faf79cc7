"""One planter per library model: true cases, decoys and ordinary records (see
`jiandu.demo.world`). A planter is `plant(world, data, cases)`: it plants `cases` true
cases spread over the model's rule branches, about as many decoys of each kind that
spec/models.md lists (and the refinements' look-alikes), and ordinary records around them.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from jiandu.demo.world import DemoData, World

Planter = Callable[[World, DemoData, int], None]

# Model ids of spec/models.md, in the order the demo plants them.
MODEL_IDS = (
    "pension_after_death",
    "insurance_false_litigation",
    "bankruptcy_false_labor_claim",
    "auction_vehicle_not_transferred",
    "non_standard_oil",
    "shell_company",
    "professional_lender",
    "false_judicial_confirmation",
    "case_filing_supervision",
    "refusal_to_execute",
    "medical_insurance_fraud",
    "template_litigation",
    "related_party_litigation",
)


def planter(model_id: str) -> Planter:
    """The planter of one library model (module `jiandu.demo.planters.<model_id>`)."""
    module = import_module(f"{__name__}.{model_id}")
    plant: Planter = module.plant
    return plant


def plant_all(world: World, data: DemoData, cases: int) -> None:
    """Run every planter, in `MODEL_IDS` order, into one `DemoData`."""
    for model_id in MODEL_IDS:
        planter(model_id)(world, data, cases)
