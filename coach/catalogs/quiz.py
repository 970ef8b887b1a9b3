"""Messages of the quizzes: /quiz, answers, free-text grading and statistics."""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    "quiz.explain_prompt": "✍️ 用自己的话回答（{topic}）：\n{question}\n\n直接发一条消息作答就行；/quiz skip 跳过。",
    "quiz.nothing_due": "🎉 现在没有到期的复习卡，新题也都做过了。下一张卡 {when} 到期。",
    "quiz.nothing_at_all": "🎉 现在没有到期的复习卡，题库里的题也都做过了。",
    "quiz.round_done": "🏁 本轮完成：{correct}/{answered} 答对。",
    "quiz.due_more": "还有 {count} 张卡到期，/quiz 再来一轮。",
    "quiz.next_due": "下一张卡 {when} 到期，到时见。",
    "quiz.unknown_poll": "这道题我没有记录（可能来自之前的计划或很久以前）。用 /quiz 开始新的一轮。",
    "quiz.not_yours": "这道题是发给别人的。用 /quiz 开始你自己的一轮。",
    "quiz.skipped": "⏭ 已跳过这道题。",
    "quiz.nothing_to_skip": "现在没有等你回答的问答题。/quiz 开始一轮。",
    "quiz.usage": (
        "用法：\n"
        "/quiz — 开始一轮（到期的复习卡优先，然后是本周主题的新题）\n"
        "/quiz explain — 来一道用自己的话回答的问答题\n"
        "/quiz skip — 跳过正在等待的问答题\n"
        "/quiz stats — 各主题的正确率和到期卡片"
    ),
    "quiz.stats_header": "📊 测验统计：共答 {answered} 题，答对 {correct} 题（{accuracy}）。",
    "quiz.stats_topic": "• {topic}：{correct}/{answered} 答对（{accuracy}），已学 {cards}/{questions} 张",
    "quiz.stats_topic_new": "• {topic}：还没答过（{questions} 题）",
    "quiz.stats_due": "🧠 到期复习：{count} 张",
    "quiz.stats_next": "下一张到期：{when}",
    "quiz.stats_empty": "还没有答过题。用 /quiz 开始第一轮吧！",
    "quiz.graded_llm": "🤖 语言模型评分：{score}/100\n{feedback}",
    "quiz.graded_offline": "📋 离线关键词评分：覆盖 {hit}/{points} 个要点\n{feedback}",
    "quiz.reference": "参考答案：{answer}",
    "quiz.next_review": "这张卡下次复习：{when}。",
    "quiz.closed": "这道问答题已经关闭了（你开始了新的一轮或跳过了它）。",
}

EN: Final[dict[str, str]] = {
    "quiz.explain_prompt": "✍️ In your own words ({topic}):\n{question}\n\nJust send your answer as a message; /quiz skip skips it.",
    "quiz.nothing_due": "🎉 No card is due and you have seen every new question. The next card is due {when}.",
    "quiz.nothing_at_all": "🎉 No card is due and you have seen every question in the bank.",
    "quiz.round_done": "🏁 Round complete: {correct}/{answered} right.",
    "quiz.due_more": "{count:one=# more card is|other=# more cards are} due; /quiz for another round.",
    "quiz.next_due": "The next card is due {when}. See you then.",
    "quiz.unknown_poll": "I have no record of that quiz (it may be from long ago). /quiz starts a new round.",
    "quiz.not_yours": "That quiz was sent to someone else. /quiz starts a round of your own.",
    "quiz.skipped": "⏭ Skipped.",
    "quiz.nothing_to_skip": "No free-text question is waiting for your answer. /quiz starts a round.",
    "quiz.usage": (
        "Usage:\n"
        "/quiz — start a round (due reviews first, then new questions on this week's topics)\n"
        "/quiz explain — one question to answer in your own words\n"
        "/quiz skip — skip the free-text question waiting for you\n"
        "/quiz stats — accuracy per topic and the cards due"
    ),
    "quiz.stats_header": "📊 Quiz stats: {answered} answered, {correct} right ({accuracy}).",
    "quiz.stats_topic": "• {topic}: {correct}/{answered} right ({accuracy}), {cards}/{questions:one=# card|other=# cards} learned",
    "quiz.stats_topic_new": "• {topic}: not answered yet ({questions:one=# question|other=# questions})",
    "quiz.stats_due": "🧠 Due for review: {count:one=# card|other=# cards}",
    "quiz.stats_next": "Next card due: {when}",
    "quiz.stats_empty": "No answers yet. Start your first round with /quiz!",
    "quiz.graded_llm": "🤖 Graded by the language model: {score}/100\n{feedback}",
    "quiz.graded_offline": "📋 Offline keyword grading: {hit} of {points:one=# point|other=# points} covered\n{feedback}",
    "quiz.reference": "Reference answer: {answer}",
    "quiz.next_review": "Next review of this card: {when}.",
    "quiz.closed": "That free-text question was closed (you started a new round or skipped it).",
}
