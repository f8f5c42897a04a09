"""Fine-tune a framing classifier.

    python train.py --config configs/default.yaml                 # the default model (all-mpnet-base-v2)
    python train.py --config configs/fast.yaml                    # the fast model (all-MiniLM-L6-v2)
    python train.py --config configs/gvfc.yaml --epochs 3         # any config key can be overridden
    torchrun --nproc_per_node 4 train.py --config configs/default.yaml    # several GPUs
    accelerate launch train.py --config configs/default.yaml              # same, with accelerate

Reads labelled sentences (CSV/JSONL/Parquet), fine-tunes the configured encoder, keeps the
checkpoint with the best dev macro-F1, evaluates it once on test and writes a plain Hugging Face
model folder (config.json with id2label, model.safetensors, tokenizer, metrics, report, model card).
"""
import sys

from framing.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
