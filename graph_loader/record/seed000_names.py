"""The names the project gives the study's sections and concept schemes (seed 000), in
English, Persian and Chinese: the Persian and Chinese are written as its translations."""

from __future__ import annotations

CATEGORIES = "lam-study-categories"
CODES = "lam-study-codes"
INITIAL = "lam-study-initial-codes"
SELECTIVE = "lam-study-selective-codes"
QUESTIONS = "research-questions"

#: The article's sections cited, by slug: the project's names for them in English, Persian
#: and Chinese (the Persian and Chinese written as its translations).
SECTIONS = {
    "abstract": ("Abstract", "چکیده", "摘要"),
    "introduction": ("Introduction", "مقدمه", "引言"),
    "literature-review": (
        "Theoretical foundations and literature review",
        "مبانی نظری و پیشینهٔ پژوهش",
        "理论基础与文献综述",
    ),
    "method": ("Research method", "روش پژوهش", "研究方法"),
    "findings": ("Findings", "یافته‌ها", "研究结果"),
    **{
        f"table-{n}": (f"Table {n}", f"جدول {persian}", f"表{n}")
        for n, persian in enumerate("۱۲۳۴۵۶", start=1)
    },
    "selective-coding": (
        "Selective coding (the text before Figure 1)",
        "کدگذاری انتخابی (متن پیش از شکل ۱)",
        "选择性编码（图1之前的文字）",
    ),
    "figure-1": (
        "Figure 1: the paradigm model of the study's theory",
        "شکل ۱: مدل پارادایمی نظریهٔ پژوهش",
        "图1：研究理论的范式模型",
    ),
    "discussion": (
        "Discussion, conclusion and recommendations",
        "بحث، نتیجه‌گیری و پیشنهادها",
        "讨论、结论与建议",
    ),
    **{
        f"question-{n}": (f"Research question {n}", f"پرسش پژوهش {persian}", f"研究问题{n}")
        for n, persian in enumerate("۱۲۳۴۵", start=1)
    },
}


#: The study's schemes, named by the project (English, then its Persian and Chinese
#: translations), each with the section it is cited to.
SCHEMES = {
    CATEGORIES: (
        (
            "The five main categories of the LAM cooperation study",
            "پنج مقولهٔ اصلی پژوهش همکاری کتابخانه‌ها، آرشیوها و موزه‌ها",
            "图书馆、档案馆和博物馆合作研究的五个主范畴",
        ),
        "table-6",
    ),
    CODES: (
        (
            "The 53 secondary codes of the LAM cooperation study (Table 6)",
            "۵۳ کد ثانویهٔ پژوهش همکاری کتابخانه‌ها، آرشیوها و موزه‌ها (جدول ۶)",
            "图书馆、档案馆和博物馆合作研究的53个次级编码（表6）",
        ),
        "table-6",
    ),
    INITIAL: (
        (
            "The initial codes of the LAM cooperation study (Tables 1-5)",
            "کدهای اولیهٔ پژوهش همکاری کتابخانه‌ها، آرشیوها و موزه‌ها (جدول‌های ۱ تا ۵)",
            "图书馆、档案馆和博物馆合作研究的初始编码（表1至表5）",
        ),
        "findings",
    ),
    SELECTIVE: (
        (
            "The selective codes of the paradigm model (Figure 1)",
            "کدهای انتخابی مدل پارادایمی (شکل ۱)",
            "范式模型的选择性编码（图1）",
        ),
        "figure-1",
    ),
    QUESTIONS: (("Research questions", "پرسش‌های پژوهش", "研究问题"), "findings"),
}
