"""verl 0.9.1's step arithmetic for an SFT run, in one place: what the length audit reports and
what the train rule's preflight checks.

The seed's section 3.3 writes steps per epoch as ceil(train / batch); verl drops the last partial
batch (DistributedSampler and DataLoader both use drop_last=True), so it is a floor."""

import math


def split_sizes(n_rows, val_ratio):
    """The seed's split estimate: val = ceil(ratio * N), train = the rest."""
    n_val = math.ceil(val_ratio * n_rows)
    return n_rows - n_val, n_val


def training_plan(n_train, n_val, train, dp_size):
    """Steps, warmup, validation and checkpoint counts verl will use for this data and settings."""
    batch = train["data"]["train_batch_size"]
    trainer = train["trainer"]
    per_rank = n_train // dp_size
    steps_per_epoch = per_rank // (batch // dp_size) if batch >= dp_size else 0
    epoch_steps = steps_per_epoch * trainer["total_epochs"]
    total = trainer["total_training_steps"] or epoch_steps
    warmup = int(train["optim"]["lr_warmup_steps_ratio"] * total)
    saves = total // trainer["save_freq"] + (1 if total % trainer["save_freq"] else 0)
    keep = trainer["max_ckpt_to_keep"]
    return {
        "train_rows": n_train,
        "val_rows": n_val,
        "dp_size": dp_size,
        "global_batch": batch,
        "steps_per_epoch": steps_per_epoch,
        "epochs": trainer["total_epochs"],
        "total_steps": total,
        "steps_within_epochs": epoch_steps,
        "warmup_steps": warmup,
        "val_batches": (n_val // dp_size) // (batch // dp_size) if batch >= dp_size else 0,
        "checkpoints_saved": saves,
        "checkpoints_kept": saves if keep is None else min(saves, keep),
    }
