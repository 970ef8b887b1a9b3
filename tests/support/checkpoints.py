"""Tiny checkpoints built offline: tokenizers trained on a few sentences, random weights, and a
CLIP trained for a few seconds to tell solid colours apart. Saved with `save_pretrained`, so
the worker loads them through its normal path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from PIL import Image
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import (
    CLIPConfig,
    CLIPModel,
    CLIPProcessor,
    CLIPTokenizer,
    CLIPVisionConfig,
    LlamaConfig,
    LlavaConfig,
    LlavaForConditionalGeneration,
    LlavaProcessor,
    PreTrainedTokenizerFast,
)
from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 30),
    "green": (30, 190, 40),
    "blue": (30, 50, 220),
    "yellow": (235, 220, 40),
    "black": (15, 15, 15),
    "white": (240, 240, 240),
}
TEMPLATE = "a photo of {}"
IMAGE_SIDE = 32
CORPUS = [
    *(TEMPLATE.format(colour) for colour in COLOURS),
    "a cat a dog a bowl of noodles a person a book a screen",
    "what is in this picture describe the photo in two or three sentences",
]
START, END = "<|startoftext|>", "<|endoftext|>"


def colour_image(rgb: tuple[int, int, int], size: tuple[int, int] = (48, 36)) -> Image.Image:
    """A solid-colour picture."""
    return Image.new("RGB", size, rgb)


def png_bytes(image: Image.Image, format: str = "PNG") -> bytes:
    """The image encoded as PNG (or another format)."""
    import io

    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


def clip_tokenizer() -> CLIPTokenizer:
    """A CLIP BPE tokenizer trained on the corpus; every byte stays encodable."""
    trained = Tokenizer(models.BPE(continuing_subword_prefix="", end_of_word_suffix="</w>"))
    trained.normalizer = normalizers.Lowercase()
    trained.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Whitespace(), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=[START, END],
        end_of_word_suffix="</w>",
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    trained.train_from_iterator(CORPUS * 4, trainer)
    state: dict[str, Any] = __import__("json").loads(trained.to_str())["model"]
    vocab: dict[str, int] = dict(state["vocab"])
    for symbol in sorted(pre_tokenizers.ByteLevel.alphabet()):
        for piece in (symbol, symbol + "</w>"):
            vocab.setdefault(piece, len(vocab))
    merges = [
        tuple(merge) if isinstance(merge, list) else tuple(merge.split())
        for merge in state["merges"]
    ]
    return CLIPTokenizer(vocab=vocab, merges=merges)


def clip_image_processor(side: int = IMAGE_SIDE) -> CLIPImageProcessorPil:
    """CLIP's preprocessing (resize, centre crop, normalize) at a small size."""
    return CLIPImageProcessorPil(
        size={"shortest_edge": side}, crop_size={"height": side, "width": side}
    )


def tiny_clip(tokenizer: CLIPTokenizer) -> CLIPModel:
    """A two-layer CLIP with random weights."""
    torch.manual_seed(0)
    config = CLIPConfig(
        text_config={
            "vocab_size": len(tokenizer),
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "max_position_embeddings": 32,
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        },
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": IMAGE_SIDE,
            "patch_size": 8,
        },
        projection_dim=32,
    )
    return CLIPModel(config)


def save_clip(model: CLIPModel, tokenizer: CLIPTokenizer, directory: Path) -> Path:
    """Model, tokenizer and image processor in one directory."""
    CLIPProcessor(image_processor=clip_image_processor(), tokenizer=tokenizer).save_pretrained(
        directory
    )
    model.save_pretrained(directory)
    return directory


def random_clip(directory: Path) -> Path:
    """A tiny CLIP with random weights (for the pipeline equivalence test)."""
    tokenizer = clip_tokenizer()
    return save_clip(tiny_clip(tokenizer), tokenizer, directory)


def trained_colour_clip(directory: Path, steps: int = 60) -> Path:
    """A tiny CLIP trained for a few seconds to match solid colours with their names."""
    tokenizer = clip_tokenizer()
    model = tiny_clip(tokenizer)
    processor = clip_image_processor()
    names = list(COLOURS)
    prompts = tokenizer(
        [TEMPLATE.format(name) for name in names], padding=True, return_tensors="pt"
    )
    generator = torch.Generator().manual_seed(1)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    # Tiny matrices: one thread avoids the cost of waking a second one on a busy machine.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _train(model, processor, prompts, names, optimiser, generator, steps)
    finally:
        torch.set_num_threads(threads)
    model.eval()
    return save_clip(model, tokenizer, directory)


def _train(
    model: CLIPModel,
    processor: CLIPImageProcessorPil,
    prompts: Any,
    names: list[str],
    optimiser: torch.optim.Optimizer,
    generator: torch.Generator,
    steps: int,
) -> None:
    """Cross-entropy of each jittered colour picture against the prompts of all colours."""
    for _ in range(steps):
        targets = torch.randint(len(names), (24,), generator=generator)
        jitter = torch.randint(-35, 36, (24, 3), generator=generator)
        images = [
            colour_image(_clamp(COLOURS[names[int(target)]], shift))
            for target, shift in zip(targets, jitter.tolist(), strict=True)
        ]
        pixels = processor(images=images, return_tensors="pt")["pixel_values"]
        logits = model(**prompts, pixel_values=pixels).logits_per_image
        loss = torch.nn.functional.cross_entropy(logits, targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()


def _clamp(rgb: tuple[int, int, int], shift: list[int]) -> tuple[int, int, int]:
    red, green, blue = (max(0, min(255, c + s)) for c, s in zip(rgb, shift, strict=True))
    return red, green, blue


CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<image>{% elif part['type'] == 'text' %}{{ part['text'] }}"
    "{% endif %}{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tiny_vlm(directory: Path) -> Path:
    """A tiny LLaVA (CLIP vision tower + Llama) with random weights and a ChatML template."""
    trained = Tokenizer(models.BPE())
    trained.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trained.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    trained.train_from_iterator(CORPUS * 4, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=trained,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        extra_special_tokens={"image_token": "<image>"},
    )
    processor = LlavaProcessor(
        image_processor=clip_image_processor(),
        tokenizer=tokenizer,
        patch_size=8,
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,
        chat_template=CHAT_TEMPLATE,
    )
    torch.manual_seed(0)
    config = LlavaConfig(
        vision_config=CLIPVisionConfig(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=IMAGE_SIDE,
            patch_size=8,
        ),
        text_config=LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=512,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        image_token_index=tokenizer.convert_tokens_to_ids("<image>"),
        vision_feature_select_strategy="default",
        vision_feature_layer=-1,
    )
    model = LlavaForConditionalGeneration(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    processor.save_pretrained(directory)
    model.save_pretrained(directory)
    return directory
