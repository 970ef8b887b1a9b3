"""Messages of the photo feature (CLIP ranking and vision-language answers)."""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    "vision.help": (
        "📷 图片问答（第 3–4 周的 CLIP / 多模态 demo）\n"
        "{forms}\n"
        "相册里的每张照片各问一次；以文件发送的图片也可以。\n\n"
        "{models}\n"
        "今天已用 {used}/{limit} 张。"
    ),
    "vision.help_unavailable": (
        "📷 图片问答（第 3–4 周的 CLIP / 多模态 demo）\n"
        "我现在还看不了照片：还没有配置图片模型。能看以后，图片说明这样写：\n"
        "{forms}"
    ),
    "vision.caption_forms": (
        "• 几个标签，用 | 分开 → CLIP 排序并给出百分比\n"
        "  例：猫 | 狗 | 一碗面，或 labels: 猫, 狗\n"
        "• 一个问题 → 多模态模型回答\n"
        "  例：这张图里的公式是什么意思？\n"
        "• 不写说明 → {no_caption}"
    ),
    "vision.help_either": "多模态模型描述这张图；没有它时，CLIP 在默认标签里排序",
    "vision.operator_setup": "🔧 管理员可见：运行 vision worker（python -m worker …）并设置 VISION_URL，或者用 VLM_BASE_URL 指向一个 OpenAI 兼容的多模态服务（vLLM、Ollama 等），之后发来的照片就会交给模型。",
    "vision.help_describe": "多模态模型描述这张图",
    "vision.help_rank": "CLIP 在默认标签里排序",
    "vision.status_clip": "CLIP：{model}",
    "vision.status_chat": "多模态模型：{model}",
    "vision.status_none": "未配置",
    "vision.status_down": "图片模型服务现在连不上",
    "vision.not_configured": "📷 我现在还看不了照片：还没有配置图片模型。能看以后，在图片说明里写几个标签（猫 | 狗 | 一碗面），我告诉你图片更像哪一个；写一个问题，我来回答。/vision 有例子。",
    "vision.limit": "今天的 {limit} 张图片额度已经用完了——额度是为了保护 GPU。明天再来吧！",
    "vision.too_big": "这个文件超过 20 MB，机器人没法从 Telegram 下载。请发一张小一点的图片。",
    "vision.ranking": "🔍 CLIP 排序（{model}）：\n{lines}",
    "vision.ranking_default": "🔍 没有说明文字，所以让 CLIP 在默认标签里排序（{model}）：\n{lines}\n\n想用自己的标签：在图片说明里写 猫 | 狗 | 一碗面。",
    "vision.answer": "🖼 {answer}\n\n— {model}",
    "vision.empty_answer": "（模型没有说话）",
    "vision.describe_prompt": "用两三句话描述这张图片。",
    "vision.error.unavailable": "现在连不上图片模型服务，这张照片没有看成。过一会儿再发一次吧。",
    "vision.error.timeout": "图片模型 {seconds} 秒内没有回答，这次先放弃了。稍后再试，或者换一张小一点的图片。",
    "vision.error.bad_image": "这张图片读不出来（文件损坏，或者不是模型能读的格式）。换成 JPEG 或 PNG 再试试。",
    "vision.error.too_large": "这张图片太大了，模型服务拒绝处理。请发一张小一点的图片。",
    "vision.error.no_clip": "现在没有能给标签排序的 CLIP 模型。可以在图片说明里直接提一个问题。",
    "vision.error.no_vlm": "现在没有能回答问题的多模态模型。可以在图片说明里写标签，用 | 分开（例如 猫 | 狗），让 CLIP 排序。",
    "vision.error.download": "没能从 Telegram 下载这张图片，请再发一次。",
    "vision.error.failed": "图片模型出错了，没有给出回答。稍后再试一次吧。",
    "vision.error.too_few_labels": "至少要两个标签，用 | 分开，例如：猫 | 狗 | 一碗面",
    "vision.error.too_many_labels": "标签最多 {limit} 个，请删掉一些。",
    "vision.error.label_too_long": "每个标签最多 {limit} 个字。",
    "vision.error.question_too_long": "问题最多 {limit} 个字，请写短一点。",
    "vision.md_heading": "CLIP / VLM 演示记录",
    "vision.md_columns": "| 时间 | 图片 | 提问 | 模型的回答 | 模型 | 耗时 |",
    "vision.md_empty": "这段时间没有图片问答记录。",
    "vision.md_labels": "标签：{labels}",
    "vision.md_describe": "（没有说明，描述图片）",
}

EN: Final[dict[str, str]] = {
    "vision.help": (
        "📷 Photos (the CLIP / multimodal demos of weeks 3–4)\n"
        "{forms}\n"
        "Each photo of an album is asked once; images sent as files work too.\n\n"
        "{models}\n"
        "Used today: {used}/{limit:one=# photo|other=# photos}."
    ),
    "vision.help_unavailable": (
        "📷 Photos (the CLIP / multimodal demos of weeks 3–4)\n"
        "I can't look at photos yet: no vision model is set up. Once I can, caption a photo like this:\n"
        "{forms}"
    ),
    "vision.caption_forms": (
        "• A few labels separated by | → CLIP ranks them with percentages\n"
        "  e.g. cat | dog | a bowl of noodles, or labels: cat, dog\n"
        "• A question → a vision-language model answers\n"
        "  e.g. What does the formula in this picture mean?\n"
        "• No caption → {no_caption}"
    ),
    "vision.help_either": "the vision-language model describes the photo; without one, CLIP ranks a default set of labels",
    "vision.operator_setup": "🔧 For admins: run the vision worker (python -m worker …) and set VISION_URL, or point VLM_BASE_URL at an OpenAI-compatible multimodal server (vLLM, Ollama, …); then photos go to the model.",
    "vision.help_describe": "the vision-language model describes the photo",
    "vision.help_rank": "CLIP ranks a default set of labels",
    "vision.status_clip": "CLIP: {model}",
    "vision.status_chat": "Vision-language model: {model}",
    "vision.status_none": "not configured",
    "vision.status_down": "The photo model server can't be reached right now",
    "vision.not_configured": "📷 I can't look at photos yet: no vision model is set up. Once I can, caption a photo with a few labels (cat | dog | a bowl of noodles) and I'll say which fits best, or with a question and I'll answer it. /vision has examples.",
    "vision.limit": "You've used today's {limit:one=# photo|other=# photos} — the limit protects the GPU. See you tomorrow!",
    "vision.too_big": "This file is over 20 MB, which bots can't download from Telegram. Please send a smaller image.",
    "vision.ranking": "🔍 CLIP ranking ({model}):\n{lines}",
    "vision.ranking_default": "🔍 No caption, so CLIP ranked the default labels ({model}):\n{lines}\n\nTo use your own labels, caption the photo like: cat | dog | a bowl of noodles.",
    "vision.answer": "🖼 {answer}\n\n— {model}",
    "vision.empty_answer": "(the model said nothing)",
    "vision.describe_prompt": "Describe this photo in two or three sentences.",
    "vision.error.unavailable": "I can't reach the photo model server right now, so I couldn't look at this one. Please send it again a little later.",
    "vision.error.timeout": "The vision model didn't answer within {seconds:one=# second|other=# seconds}, so I gave up this time. Try again later, or with a smaller image.",
    "vision.error.bad_image": "I couldn't read this image (the file is damaged or in a format the model can't read). Try a JPEG or PNG.",
    "vision.error.too_large": "This image is too large for the vision model server. Please send a smaller one.",
    "vision.error.no_clip": "No CLIP model is available to rank labels right now. You can ask a question in the caption instead.",
    "vision.error.no_vlm": "No vision-language model is available to answer questions. Caption the photo with labels separated by | (e.g. cat | dog) and CLIP will rank them.",
    "vision.error.download": "I couldn't download this image from Telegram; please send it again.",
    "vision.error.failed": "The vision model ran into an error and gave no answer. Please try again later.",
    "vision.error.too_few_labels": "Give at least two labels separated by |, e.g. cat | dog | a bowl of noodles",
    "vision.error.too_many_labels": "At most {limit:one=# label|other=# labels}, please remove some.",
    "vision.error.label_too_long": "A label has at most {limit:one=# character|other=# characters}.",
    "vision.error.question_too_long": "A question has at most {limit:one=# character|other=# characters}; please shorten it.",
    "vision.md_heading": "CLIP / VLM demo record",
    "vision.md_columns": "| time | photo | asked | the model's answer | model | latency |",
    "vision.md_empty": "No photo exchanges in this period.",
    "vision.md_labels": "labels: {labels}",
    "vision.md_describe": "(no caption: describe the photo)",
}
