"""Fine-tuning: data generators, SFT and DPO with TRL + PEFT, adapter export, evaluation."""
