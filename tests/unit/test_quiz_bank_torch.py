"""Every quiz answer code can compute is computed here with torch and compared with the bank.

A question with `check = "name"` must have, as its correct option in both languages, exactly
the text the function `name` returns, and no other option may be that text: a wrong shape,
count or loss value in the bank fails this test.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from coach.quiz.bank import load_bank  # noqa: E402


def shape(tensor: torch.Tensor) -> str:
    return str(tuple(tensor.shape))


def count(number: int) -> str:
    return f"{number:,}"


def three_decimals(value: torch.Tensor | float) -> str:
    return f"{float(value):.3f}"


def parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def side(tensor: torch.Tensor) -> str:
    return f"{tensor.shape[-2]} × {tensor.shape[-1]}"


# -- CNN and ResNet ----------------------------------------------------------------------------


def cnn_conv_same_shape() -> str:
    return shape(nn.Conv2d(3, 16, kernel_size=3, padding=1)(torch.zeros(1, 3, 32, 32)))


def cnn_conv_valid_shape() -> str:
    return shape(nn.Conv2d(1, 6, kernel_size=5)(torch.zeros(1, 1, 28, 28)))


def cnn_conv_params() -> str:
    return str(parameters(nn.Conv2d(3, 16, kernel_size=3)))


def cnn_maxpool_shape() -> str:
    return shape(nn.MaxPool2d(2)(torch.zeros(1, 16, 32, 32)))


def cnn_stride2_shape() -> str:
    return shape(nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)(torch.zeros(1, 3, 224, 224)))


def cnn_receptive_field() -> str:
    image = torch.zeros(1, 1, 15, 15, requires_grad=True)
    first, second = nn.Conv2d(1, 1, 3, bias=False), nn.Conv2d(1, 1, 3, bias=False)
    for layer in (first, second):
        nn.init.ones_(layer.weight)
    output = second(first(image))
    output[0, 0, output.shape[-2] // 2, output.shape[-1] // 2].backward()
    assert image.grad is not None
    touched = image.grad[0, 0].nonzero()
    rows = int(touched[:, 0].max() - touched[:, 0].min() + 1)
    columns = int(touched[:, 1].max() - touched[:, 1].min() + 1)
    return f"{rows} × {columns}"


def cnn_pointwise_params() -> str:
    return count(parameters(nn.Conv2d(256, 64, kernel_size=1)))


def resnet_gradient() -> str:
    x = torch.tensor(2.0, requires_grad=True)
    y = x + x**2
    y.backward()
    assert x.grad is not None
    return f"{float(x.grad):g}"


def resnet_projection_shape() -> str:
    return shape(nn.Conv2d(64, 128, kernel_size=1, stride=2)(torch.zeros(1, 64, 56, 56)))


# -- RNN ---------------------------------------------------------------------------------------


def rnn_output_shape() -> str:
    output, _ = nn.RNN(10, 20, batch_first=True)(torch.zeros(3, 5, 10))
    return shape(output)


def rnn_final_hidden_shape() -> str:
    _, final = nn.RNN(10, 20, batch_first=True)(torch.zeros(3, 5, 10))
    return shape(final)


def rnn_params() -> str:
    return str(parameters(nn.RNN(10, 20)))


def rnn_lstm_params() -> str:
    return count(parameters(nn.LSTM(10, 20)))


# -- self-attention ----------------------------------------------------------------------------


def attn_q_shape() -> str:
    return shape(nn.Linear(8, 16, bias=False)(torch.zeros(4, 8)))


def attn_scores_shape() -> str:
    return shape(torch.randn(4, 16) @ torch.randn(6, 16).T)


def attn_output_shape() -> str:
    weights = torch.softmax(torch.randn(4, 6), dim=-1)
    return shape(weights @ torch.randn(6, 32))


def attn_scale_value() -> str:
    return f"{float(torch.sqrt(torch.tensor(64.0))):g}"


def attn_dot_variance() -> str:
    generator = torch.Generator().manual_seed(0)
    q = torch.randn(200_000, 64, generator=generator)
    k = torch.randn(200_000, 64, generator=generator)
    variance = float((q * k).sum(dim=-1).var())
    options = {"1": 1.0, "8": 8.0, "√64": 8.0, "64": 64.0}
    return min(options, key=lambda name: abs(options[name] - variance))


def attn_head_dim() -> str:
    return str(nn.MultiheadAttention(512, 8).head_dim)


def attn_mha_params() -> str:
    return count(parameters(nn.MultiheadAttention(512, 8)))


def attn_uniform_weights() -> str:
    query = torch.randn(16)
    keys = torch.randn(16).repeat(4, 1)
    return f"{float(torch.softmax(keys @ query / 4, dim=-1)[0]):g}"


# -- ViT ---------------------------------------------------------------------------------------


def _patch_tokens(size: int, patch: int, hidden: int = 8) -> torch.Tensor:
    grid = nn.Conv2d(3, hidden, kernel_size=patch, stride=patch)(torch.zeros(1, 3, size, size))
    return grid.flatten(2).transpose(1, 2)


def vit_patches_224() -> str:
    return str(_patch_tokens(224, 16).shape[1])


def vit_tokens_with_cls() -> str:
    tokens = _patch_tokens(224, 16)
    cls = torch.zeros(1, 1, tokens.shape[-1])
    return str(torch.cat([cls, tokens], dim=1).shape[1])


def vit_patch_dim() -> str:
    return str(F.unfold(torch.zeros(1, 3, 224, 224), kernel_size=16, stride=16).shape[1])


def vit_patches_384() -> str:
    return str(_patch_tokens(384, 16).shape[1])


def vit_pos_embed_shape() -> str:
    tokens = _patch_tokens(224, 16, hidden=768)
    sequence = torch.cat([torch.zeros(1, 1, 768), tokens], dim=1)
    position = nn.Parameter(torch.zeros(1, sequence.shape[1], 768))
    return shape(sequence + position)


def vit_patch_embed_conv() -> str:
    return shape(nn.Conv2d(3, 768, kernel_size=16, stride=16)(torch.zeros(1, 3, 224, 224)))


def vit_l14_patches() -> str:
    return str(_patch_tokens(224, 14).shape[1])


# -- CLIP and InfoNCE ----------------------------------------------------------------------------


def _normalized(rows: int, generator: torch.Generator) -> torch.Tensor:
    return F.normalize(torch.randn(rows, 16, generator=generator), dim=-1)


def clip_matrix_shape() -> str:
    generator = torch.Generator().manual_seed(0)
    return shape(_normalized(32, generator) @ _normalized(32, generator).T)


def clip_labels() -> str:
    return str(torch.arange(4).tolist())


def clip_negatives() -> str:
    matrix = torch.ones(4, 4)
    return str(int(matrix.sum() - matrix.diagonal().sum()))


def _symmetric_infonce(logits: torch.Tensor) -> torch.Tensor:
    labels = torch.arange(logits.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2


def clip_uniform_loss() -> str:
    return three_decimals(_symmetric_infonce(torch.zeros(8, 8)))


def clip_tiny_batch_loss() -> str:
    return three_decimals(_symmetric_infonce(torch.tensor([[2.0, 0.0], [0.0, 2.0]])))


def clip_temperature_prob() -> str:
    similarities = torch.tensor([0.5, 0.3, 0.1])
    return three_decimals(torch.softmax(similarities / 0.1, dim=-1)[0])


# -- multimodal LLMs, SFT ---------------------------------------------------------------------


def mllm_tokens_336() -> str:
    return str(_patch_tokens(336, 14).shape[1])


def mllm_projector_shape() -> str:
    return shape(nn.Linear(1024, 4096)(torch.zeros(1, 576, 1024)))


def sft_ignore_index() -> str:
    labels = torch.tensor([-100, -100, 1])
    logits = torch.tensor([[9.0, -9.0], [9.0, -9.0], [0.0, 0.0]])
    # Only the unmasked position counts: its loss alone is ln 2.
    assert math.isclose(float(F.cross_entropy(logits, labels)), math.log(2), rel_tol=1e-6)
    return str(nn.CrossEntropyLoss().ignore_index)


def sft_token_loss() -> str:
    probabilities = torch.tensor([[0.25, 0.75]])
    return three_decimals(F.nll_loss(probabilities.log(), torch.tensor([0])))


def sft_lora_params() -> str:
    rank, width = 8, 4096
    lora_b, lora_a = nn.Linear(rank, width, bias=False), nn.Linear(width, rank, bias=False)
    return count(parameters(lora_b) + parameters(lora_a))


# -- PPO, DPO, GRPO ----------------------------------------------------------------------------


def _ppo_objective(ratio: float, advantage: float, epsilon: float = 0.2) -> torch.Tensor:
    r, a = torch.tensor(ratio), torch.tensor(advantage)
    return torch.minimum(r * a, torch.clamp(r, 1 - epsilon, 1 + epsilon) * a)


def ppo_clip_positive() -> str:
    return f"{float(_ppo_objective(1.5, 2.0)):.1f}"


def ppo_clip_negative() -> str:
    return f"{float(_ppo_objective(0.5, -1.0)):.1f}"


def ppo_ratio() -> str:
    return three_decimals(torch.exp(torch.tensor(-1.0) - torch.tensor(-1.5)))


def _dpo_loss(chosen_ratio: float, rejected_ratio: float, beta: float) -> torch.Tensor:
    margin = beta * (torch.tensor(chosen_ratio) - torch.tensor(rejected_ratio))
    return -F.logsigmoid(margin)


def dpo_equal_policy_loss() -> str:
    return three_decimals(_dpo_loss(0.0, 0.0, beta=0.1))


def dpo_loss_value() -> str:
    return three_decimals(_dpo_loss(5.0, -5.0, beta=0.1))


def _group_advantages(rewards: list[float]) -> torch.Tensor:
    r = torch.tensor(rewards)
    return (r - r.mean()) / r.std(unbiased=False)


def grpo_advantages() -> str:
    values = _group_advantages([1.0, 0.0, 0.0, 1.0]).tolist()
    return "[" + ", ".join(f"{value:g}" for value in values) + "]"


def grpo_advantage_value() -> str:
    return three_decimals(_group_advantages([2.0, 4.0, 6.0])[2])


CHECKS: dict[str, Callable[[], str]] = {
    name: function
    for name, function in globals().items()
    if callable(function) and name.split("_")[0] in {
        "cnn", "resnet", "rnn", "attn", "vit", "clip", "mllm", "sft", "ppo", "dpo", "grpo"
    }
}  # fmt: skip

BANK = load_bank()
CHECKED = [question for question in BANK.questions if question.check]


def test_the_bank_has_many_computed_answers() -> None:
    assert len(CHECKED) >= 40
    assert {question.topic for question in CHECKED} >= {
        "cnn", "resnet", "rnn", "attention", "vit", "clip", "mllm", "sft", "ppo", "dpo", "grpo"
    }  # fmt: skip


def test_every_check_in_the_bank_has_a_computation_and_every_computation_is_used() -> None:
    named = {question.check for question in CHECKED}
    assert named == set(CHECKS), (
        f"no computation for {named - set(CHECKS)}; unused computations {set(CHECKS) - named}"
    )


@pytest.mark.parametrize("question", CHECKED, ids=[q.id for q in CHECKED])
def test_the_correct_option_is_what_torch_computes(question: object) -> None:
    from coach.quiz.bank import Question

    assert isinstance(question, Question) and question.check
    torch.manual_seed(0)
    expected = CHECKS[question.check]()
    for language in ("zh", "en"):
        options = question.text(language).options
        assert options[question.answer] == expected, (
            f"{question.id} ({language}): the bank says {options[question.answer]!r}, "
            f"torch computes {expected!r}"
        )
        others = [option for i, option in enumerate(options) if i != question.answer]
        assert expected not in others, f"{question.id}: a distractor equals the right answer"


def test_a_wrong_answer_in_the_bank_would_be_caught() -> None:
    """The comparison above really distinguishes: a bank saying 197 patches would fail."""
    question = next(q for q in CHECKED if q.check == "vit_patches_224")
    wrong = question.text("en").options[(question.answer + 1) % 4]
    assert CHECKS["vit_patches_224"]() == "196" != wrong
