"""Words the build itself writes into pages, in every site language.

Add a language here when it is added to ``mkdocs.yml``; ``check_languages`` fails the
build when one is missing, so no page ever shows a label in the wrong language.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "vi": {
        "output": "Kết quả in ra",
        "snippet_failed": "Đoạn mã chạy lỗi",
        "snippet_failed_intro": "Phần này cần kết quả của {snippet}, nhưng đoạn mã đó không chạy xong. "
                                "Chi tiết cho tác giả:",
        "bad_reference": "Tham chiếu không hợp lệ",
        "bad_reference_intro": "Chỉ thị ở dòng {line} của trang này không lấy được kết quả nào. "
                               "Chi tiết cho tác giả:",
        "figure": "Hình",
        "no_cards": "Chưa có thẻ nào.",
        "term": "Thuật ngữ",
        "language_vi": "Tiếng Việt",
        "language_zh": "Tiếng Trung",
        "abbreviation": "Viết tắt",
        "definition": "Định nghĩa",
        "cards": "Thẻ dùng thuật ngữ",
        "terms_used": "Thuật ngữ trong thẻ này, kèm các tên gọi khác: ",
        "aside": " ({})",
        "list_separator": ", ",
        "open_notebook": "Mở dạng sổ tay Jupyter",
        "notebook_failed": "Sổ tay của thẻ này chạy lỗi. Chi tiết cho tác giả:",
        "notebook_running": "Sổ tay đang chạy lại với mã vừa sửa; trang sẽ tự tải lại khi xong.",
        "download_notebook": "Tải tệp .ipynb",
        "notebook_intro": "*Sổ tay này được sinh tự động từ thẻ `{card}`: mỗi ô mã là nguyên một tệp trong "
                          "`snippets/`, theo thứ tự thẻ dùng chúng. Chạy từ trên xuống dưới; ô đầu tiên đặt một "
                          "luồng tính toán như khi dựng trang, nên các con số khớp với thẻ.*",
        # the theme's chrome (scripts/chrome.py, overrides/)
        "permalink": "Liên kết đến mục này",
        "made_with": "Dựng bằng",
        "not_found_title": "Không tìm thấy trang",
        "not_found_text": "Địa chỉ này không có trang nào. Có thể thẻ đã đổi tên; hãy tìm nó bằng ô tìm kiếm, hoặc",
        "not_found_home": "về trang chủ",
        "not_found_end": ".",
    },
    "zh": {
        "output": "运行输出",
        "snippet_failed": "代码片段运行出错",
        "snippet_failed_intro": "这一部分需要 {snippet} 的运行结果，但该代码片段没有成功运行完。给作者的详细信息：",
        "bad_reference": "无效的引用",
        "bad_reference_intro": "本页第 {line} 行的指令没有取到任何结果。给作者的详细信息：",
        "figure": "图",
        "no_cards": "还没有卡片。",
        "term": "术语",
        "language_vi": "越南语",
        "language_zh": "中文",
        "abbreviation": "缩写",
        "definition": "定义",
        "cards": "使用该术语的卡片",
        "terms_used": "本卡片中的术语及其他译名：",
        "aside": "（{}）",
        "list_separator": "、",
        "open_notebook": "以 Jupyter 笔记本打开",
        "notebook_failed": "本卡片的笔记本运行出错。给作者的详细信息：",
        "notebook_running": "笔记本正在用刚修改的代码重新运行；运行结束后页面会自动刷新。",
        "download_notebook": "下载 .ipynb 文件",
        "notebook_intro": "*本笔记本由卡片 `{card}` 自动生成：每个代码单元格就是 `snippets/` 中的一个完整文件，"
                          "按卡片使用它们的顺序排列。请从上到下运行；第一个单元格与构建时一样只用一个计算线程，"
                          "因此数字与卡片一致。*",
        # the theme's chrome (scripts/chrome.py, overrides/)
        "permalink": "本节的永久链接",
        "made_with": "本站使用",
        "not_found_title": "找不到页面",
        "not_found_text": "这个地址上没有页面。卡片可能已经改名；请用搜索框查找，或",
        "not_found_home": "返回首页",
        "not_found_end": "。",
    },
}


def message(lang: str, key: str) -> str:
    return MESSAGES[lang][key]


def missing_languages(languages: tuple[str, ...]) -> list[str]:
    """Site languages that have no (or an incomplete) set of messages."""
    keys = set(MESSAGES["vi"])
    return [lang for lang in languages if set(MESSAGES.get(lang, {})) != keys]
