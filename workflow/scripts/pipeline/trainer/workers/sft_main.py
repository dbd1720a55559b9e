"""`python -m pipeline.trainer.workers.sft_main <hydra overrides>` (workflow/scripts on PYTHONPATH, under torchrun): verl
0.9.1's SFT trainer, its own main(), run from the imported module verl.trainer.sft_trainer.

Run as `-m verl.trainer.sft_trainer`, the trainer's code would execute as __main__, a second copy
of the module that the project's modules loaded into the workers (VERL_USE_EXTERNAL_MODULES, on
`import verl`) cannot reach: dp_token_balance.py wraps SFTTrainer in verl.trainer.sft_trainer."""

from verl.trainer import sft_trainer

if __name__ == "__main__":
    sft_trainer.main()
