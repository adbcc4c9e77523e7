//! Deterministic synthetic content for scale benchmarks: a content folder with N articles (about five
//! `##` sections each), categories, FAQs, a contact directory of valid North American numbers,
//! synonyms, `site.toml` and `guides.toml`, valid against `content/README.md`.
//!
//! ```sh
//! cargo run --release --example generate -- --articles 10000 --out /tmp/site-10k [--seed 7]
//! ```
//!
//! The same arguments always write the same bytes. Prose draws words from a Zipf-like distribution
//! over help-center words, common English words and pseudo-words (so the term dictionary grows with
//! the corpus, as real text does); every phone number written in prose comes from the directory, and
//! every internal link points at a page that exists.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// SplitMix64: tiny, fast and deterministic; quality is plenty for synthetic text.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Uniform in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// The most frequent words of ordinary English prose, most frequent first.
const COMMON: &[&str] = &[
    "the", "to", "and", "a", "of", "you", "your", "is", "in", "for", "it", "on", "that", "with",
    "can", "be", "or", "if", "this", "are", "as", "have", "at", "by", "from", "will", "when",
    "not", "an", "they", "we", "ask", "call", "get", "what", "about", "how", "there", "before",
    "after", "then", "may", "need", "any", "all", "more", "most", "some", "so", "than", "also",
    "make", "sure", "keep", "use", "one", "which", "who", "their", "our", "it's", "just", "only",
];

/// Help-center vocabulary, roughly most frequent first.
const DOMAIN: &[&str] = &[
    "card",
    "account",
    "number",
    "phone",
    "customer",
    "service",
    "payment",
    "statement",
    "charge",
    "representative",
    "online",
    "app",
    "menu",
    "balance",
    "fraud",
    "lost",
    "stolen",
    "dispute",
    "refund",
    "points",
    "rewards",
    "travel",
    "fee",
    "annual",
    "credit",
    "limit",
    "transaction",
    "merchant",
    "address",
    "email",
    "message",
    "secure",
    "verify",
    "identity",
    "password",
    "login",
    "replacement",
    "activate",
    "activation",
    "block",
    "hold",
    "alert",
    "billing",
    "cycle",
    "interest",
    "rate",
    "due",
    "date",
    "late",
    "autopay",
    "bank",
    "transfer",
    "business",
    "corporate",
    "platinum",
    "gold",
    "membership",
    "benefits",
    "insurance",
    "roadside",
    "assistance",
    "booking",
    "hotel",
    "flight",
    "airline",
    "lounge",
    "concierge",
    "gift",
    "prepaid",
    "savings",
    "deposit",
    "checking",
    "loan",
    "application",
    "approval",
    "decline",
    "declined",
    "pending",
    "posted",
    "receipt",
    "documents",
    "income",
    "tax",
    "cancel",
    "close",
    "upgrade",
    "downgrade",
    "supplementary",
    "authorized",
    "user",
    "pin",
    "code",
    "text",
    "notification",
    "abroad",
    "international",
    "overseas",
    "collect",
    "toll",
    "free",
    "hours",
    "weekend",
    "holiday",
    "wait",
    "queue",
    "callback",
    "escalate",
    "complaint",
    "supervisor",
    "manager",
    "letter",
    "mail",
    "fax",
    "chat",
    "scam",
    "phishing",
    "fake",
    "caller",
    "suspicious",
    "unauthorized",
    "chargeback",
    "evidence",
    "investigation",
    "credit-report",
    "score",
    "bureau",
    "cash",
    "advance",
    "atm",
    "wire",
    "check",
    "reference",
    "case",
    "ticket",
    "follow-up",
    "escalation",
    "timeline",
    "deadline",
    "contactless",
    "chip",
    "magnetic",
    "stripe",
    "expired",
    "expiry",
    "renewal",
    "delivery",
    "courier",
    "shipping",
    "tracking",
    "wallet",
    "mobile",
    "device",
    "browser",
    "cookie",
];

/// Phrases for headings; each article takes five distinct ones.
const HEADINGS: &[&str] = &[
    "Before you call",
    "What to have ready",
    "Call the right number",
    "Get past the phone menu",
    "Talk to a live person",
    "If the line is busy",
    "Follow up in writing",
    "Escalate if nothing happens",
    "Check your statement",
    "Use the app instead",
    "When you are abroad",
    "Protect your account",
    "Spot a scam",
    "What happens next",
    "How long it takes",
    "Fees and charges",
    "Keep a record",
    "Common mistakes",
    "If you were declined",
    "Ask for a reference number",
];

/// Verbs and objects for titles.
const TITLE_VERBS: &[&str] = &[
    "Report",
    "Dispute",
    "Activate",
    "Replace",
    "Cancel",
    "Change",
    "Check",
    "Pay",
    "Transfer",
    "Redeem",
    "Close",
    "Unlock",
    "Verify",
    "Track",
    "Update",
    "Request",
    "Find",
    "Fix",
    "Avoid",
    "Understand",
];
const TITLE_OBJECTS: &[&str] = &[
    "a lost card",
    "a stolen card",
    "a charge",
    "a new card",
    "your address",
    "your statement",
    "a payment",
    "a balance transfer",
    "rewards points",
    "an annual fee",
    "your account",
    "a fraud alert",
    "a refund",
    "your PIN",
    "a travel booking",
    "a gift card",
    "a declined card",
    "your credit limit",
    "a late fee",
    "a business card",
    "a supplementary card",
    "autopay",
    "a cash advance",
    "a hotel booking",
    "a merchant dispute",
];
const TITLE_QUALIFIERS: &[&str] = &[
    "by phone",
    "online",
    "in the app",
    "from abroad",
    "on a business account",
    "quickly",
    "after hours",
    "without waiting",
    "as an authorized user",
    "for the first time",
    "in person",
    "by mail",
    "on a weekend",
    "with a supervisor",
    "step by step",
];

const DEPARTMENTS: &[&str] = &[
    "Lost, stolen and fraud",
    "Card customer service",
    "Payments and billing",
    "Rewards and travel",
    "Business and corporate",
    "Banking and savings",
    "Calling from abroad",
    "Complaints and escalation",
];

/// Area codes for generated numbers: toll-free prefixes first, then a few geographic ones.
const AREA_CODES: &[u32] = &[
    800, 833, 844, 855, 866, 877, 888, 212, 336, 602, 623, 801, 954,
];

const SYNONYMS: &[&[&str]] = &[
    &[
        "live person",
        "real person",
        "representative",
        "agent",
        "human",
        "operator",
    ],
    &["lost", "stolen", "missing", "misplaced"],
    &["fraud", "unauthorized", "suspicious", "unrecognized"],
    &["abroad", "overseas", "international", "foreign"],
    &["dispute", "chargeback", "contest"],
    &["cancel", "close", "terminate"],
    &["points", "rewards", "miles"],
    &["fee", "charge", "cost"],
    &["app", "mobile app", "phone app"],
    &["address", "mailing address", "home address"],
    &["statement", "bill", "billing statement"],
    &["declined", "rejected", "refused"],
];

/// Generation settings.
struct Settings {
    articles: usize,
    out: PathBuf,
    seed: u64,
}

fn parse_args() -> Result<Settings, String> {
    let mut articles = None;
    let mut out = None;
    let mut seed = 7;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--articles" => {
                articles = Some(value()?.parse().map_err(|_| "--articles: not a number")?)
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|_| "--seed: not a number")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Settings {
        articles: articles.ok_or("--articles N is required")?,
        out: out.ok_or("--out DIR is required")?,
        seed,
    })
}

fn main() {
    let settings = match parse_args() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}\nusage: generate --articles N --out DIR [--seed S]");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    if let Err(error) = generate(&settings) {
        eprintln!("error: writing {}: {error}", settings.out.display());
        std::process::exit(1);
    }
    eprintln!(
        "generated {} articles in {} ({:.1} s)",
        settings.articles,
        settings.out.display(),
        started.elapsed().as_secs_f64()
    );
}

/// Words of the prose vocabulary with cumulative Zipf weights, for sampling.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(random: &mut Random, pseudo_words: usize) -> Vocabulary {
        const SYLLABLES: &[&str] = &[
            "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro",
            "su", "ta", "ve", "wi", "xo", "yu", "za", "bri", "cla", "dro", "fle", "gri", "plo",
            "stra", "tre", "vin", "mon", "tal", "ber", "ran", "sel", "dor",
        ];
        let mut words: Vec<String> = COMMON.iter().chain(DOMAIN).map(|w| w.to_string()).collect();
        let mut seen: HashSet<String> = words.iter().cloned().collect();
        while words.len() < COMMON.len() + DOMAIN.len() + pseudo_words {
            let syllables = random.between(2, 4);
            let word: String = (0..syllables).map(|_| *random.pick(SYLLABLES)).collect();
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 2.7);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn word(&self, random: &mut Random) -> &str {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let target = (random.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let index = self.cumulative.partition_point(|&c| c < target);
        &self.words[index.min(self.words.len() - 1)]
    }

    fn sentence(&self, random: &mut Random, out: &mut String) {
        let length = random.between(8, 18);
        for position in 0..length {
            let word = self.word(random);
            if position == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(word);
            }
        }
        out.push('.');
    }
}

/// A generated contact, as far as prose needs it.
struct ContactInfo {
    id: String,
    numbers: Vec<String>,
}

fn generate(settings: &Settings) -> std::io::Result<()> {
    let n = settings.articles;
    let mut random = Random(settings.seed);
    let category_count = (n / 250).clamp(5, 400);
    let contact_count = (n / 200).clamp(12, 500);
    let faq_count = (n / 20).clamp(10, 2000);
    // Real text keeps meeting new rare words as it grows.
    let vocabulary = Vocabulary::new(&mut random, (n / 2).clamp(2_000, 40_000));
    let dir = &settings.out;
    std::fs::create_dir_all(dir.join("articles"))?;

    write(
        dir,
        "site.toml",
        "title = \"Synthetic Help Center\"\n\
         description = \"Generated content for benchmarks: articles, questions and a contact directory.\"\n\
         notice = \"Synthetic content generated for performance tests; none of it is real advice.\"\n\
         base_url = \"http://127.0.0.1:8080\"\n\
         language = \"en-US\"\n",
    )?;
    write(
        dir,
        "guides.toml",
        "[[guide]]\nid = \"call-guide\"\ntitle = \"A synthetic call guide\"\nshort = \"the call guide\"\nfile = \"call.txt\"\n\n\
         [[guide]]\nid = \"support-guide\"\ntitle = \"A synthetic support guide\"\nshort = \"the support guide\"\nfile = \"support.txt\"\n",
    )?;

    // Categories.
    let categories: Vec<String> = (0..category_count)
        .map(|i| {
            let word = DOMAIN[i % DOMAIN.len()].replace('-', "");
            format!("{word}-{i}")
        })
        .collect();
    let mut text = String::from("# Generated categories.\n");
    for (i, slug) in categories.iter().enumerate() {
        let topic = DOMAIN[i % DOMAIN.len()];
        let _ = write!(
            text,
            "\n[[category]]\nslug = \"{slug}\"\ntitle = \"{} and {} ({i})\"\ndescription = \"Everything about {topic} and {}: calls, forms and follow-ups.\"\nweight = {}\n",
            capitalise(topic),
            DOMAIN[(i * 7 + 3) % DOMAIN.len()],
            DOMAIN[(i * 11 + 5) % DOMAIN.len()],
            (i + 1) * 10
        );
    }
    write(dir, "categories.toml", &text)?;

    // Contacts: unique, valid NANP numbers (area code and exchange never start with 0 or 1).
    let mut taken_numbers = HashSet::new();
    let mut contacts = Vec::new();
    let mut text = String::from("# Generated contact directory.\n");
    for i in 0..contact_count {
        let id = if i == 0 {
            "lost-stolen".to_string()
        } else {
            format!("contact-{i}")
        };
        let kind = match i % 10 {
            7 => "address",
            8 => "email",
            9 => "web",
            _ => "phone",
        };
        let department = DEPARTMENTS[i % DEPARTMENTS.len()];
        let purpose = if i == 0 {
            "Report a lost or stolen card".to_string()
        } else {
            format!(
                "{} {} ({i})",
                random.pick(TITLE_VERBS),
                random.pick(TITLE_OBJECTS)
            )
        };
        let abroad = department == "Calling from abroad";
        let _ = write!(
            text,
            "\n[[contact]]\nid = \"{id}\"\ndepartment = \"{department}\"\npurpose = \"{purpose}\"\nkind = \"{kind}\"\n"
        );
        let mut numbers = Vec::new();
        match kind {
            "phone" => {
                let count = random.between(1, 2);
                text.push_str("numbers = [\n");
                for _ in 0..count {
                    let number = loop {
                        let area = if abroad {
                            *random.pick(&AREA_CODES[7..])
                        } else {
                            *random.pick(AREA_CODES)
                        };
                        let exchange = random.between(200, 999);
                        let line = random.below(10_000);
                        let display = format!("1-{area}-{exchange}-{line:04}");
                        if taken_numbers.insert(display.clone()) {
                            break display;
                        }
                    };
                    let _ = writeln!(
                        text,
                        "  {{ display = \"{number}\", sources = [\"call-guide\"], note = \"A generated number.\" }},"
                    );
                    numbers.push(number);
                }
                text.push_str("]\n");
                let toll = if abroad { "collect" } else { "toll-free" };
                let _ = writeln!(text, "toll = \"{toll}\"");
                // No hours: they now belong on a number, with the guide part that states them
                // (`hours_cite`), and the synthetic guides have no parts to cite.
            }
            "address" => {
                let _ = writeln!(
                    text,
                    "address = [\"Synthetic Services\", \"PO Box {}\", \"Springfield, ST 00000\"]",
                    1000 + i
                );
            }
            "email" => {
                let _ = writeln!(text, "email = \"help{i}@example.com\"");
            }
            _ => {
                let _ = writeln!(text, "url = \"https://example.com/help/{i}\"");
            }
        }
        let region = if abroad { "abroad" } else { "us" };
        let _ = writeln!(
            text,
            "region = \"{region}\"\nnotes = \"Generated entry for department {department}.\"\nsources = [\"call-guide\", \"support-guide\"]"
        );
        if i < 4 && kind == "phone" {
            let _ = writeln!(text, "featured = {}", i + 1);
        }
        let _ = writeln!(text, "weight = {}", (i + 1) * 10);
        if kind == "phone" {
            contacts.push(ContactInfo {
                id: id.clone(),
                numbers,
            });
        }
    }
    write(dir, "contacts.toml", &text)?;

    // Article slugs first, so articles and FAQs can link to each other.
    let slugs: Vec<String> = (0..n)
        .map(|i| {
            let object = TITLE_OBJECTS[i % TITLE_OBJECTS.len()]
                .split(' ')
                .next_back()
                .unwrap_or("topic")
                .to_lowercase();
            format!(
                "{}-{object}-{i}",
                TITLE_VERBS[(i / 3) % TITLE_VERBS.len()].to_lowercase()
            )
        })
        .collect();
    let faq_ids: Vec<String> = (0..faq_count).map(|i| format!("question-{i}")).collect();

    // FAQs.
    let mut text = String::from("# Generated questions.\n");
    for (i, id) in faq_ids.iter().enumerate() {
        let contact = &contacts[i % contacts.len()];
        let mut answer = String::new();
        vocabulary.sentence(&mut random, &mut answer);
        let _ = write!(answer, " Call {}.", contact.numbers[0]);
        if n > 0 {
            let _ = write!(
                answer,
                " See [the article](/articles/{}).",
                slugs[random.below(n)]
            );
        }
        let _ = write!(
            text,
            "\n[[faq]]\nid = \"{id}\"\ncategory = \"{}\"\nquestion = \"How do I {} {} {}?\"\nanswer = '''\n{answer}\n'''\ncontacts = [\"{}\"]\nkeywords = [\"{}\", \"{}\"]\nsources = [\"support-guide\"]\nweight = {}\n",
            categories[i % categories.len()],
            random.pick(TITLE_VERBS).to_lowercase(),
            random.pick(TITLE_OBJECTS),
            random.pick(TITLE_QUALIFIERS),
            contact.id,
            vocabulary.word(&mut random),
            random.pick(DOMAIN),
            (i / categories.len() + 1) * 10,
        );
    }
    write(dir, "faqs.toml", &text)?;

    let mut text = String::from("# Generated synonym groups.\n");
    for group in SYNONYMS {
        let terms: Vec<String> = group.iter().map(|t| format!("\"{t}\"")).collect();
        let _ = write!(text, "\n[[group]]\nterms = [{}]\n", terms.join(", "));
    }
    write(dir, "synonyms.toml", &text)?;

    // Articles, in contiguous blocks per category.
    let per_category = n.div_ceil(category_count).max(1);
    let mut body = String::with_capacity(8 * 1024);
    for (i, slug) in slugs.iter().enumerate() {
        body.clear();
        let category = &categories[(i / per_category).min(category_count - 1)];
        let own: Vec<&ContactInfo> = (0..random.between(1, 3))
            .map(|_| random.pick(&contacts))
            .collect();
        let mut contact_ids: Vec<&str> = Vec::new();
        for contact in &own {
            if !contact_ids.contains(&contact.id.as_str()) {
                contact_ids.push(&contact.id);
            }
        }
        let title = format!(
            "{} {} {} ({i})",
            TITLE_VERBS[(i / 3) % TITLE_VERBS.len()],
            TITLE_OBJECTS[i % TITLE_OBJECTS.len()],
            random.pick(TITLE_QUALIFIERS)
        );
        let mut summary = String::new();
        vocabulary.sentence(&mut random, &mut summary);
        let day = i % 700;
        let updated = format!(
            "{}-{:02}-{:02}",
            2024 + day / 336,
            1 + (day / 28) % 12,
            1 + day % 28
        );
        let sources = if i % 3 == 0 {
            "[\"call-guide\", \"support-guide\"]"
        } else {
            "[\"support-guide\"]"
        };
        let keywords: Vec<String> = (0..random.between(2, 5))
            .map(|_| format!("\"{}\"", random.pick(DOMAIN)))
            .collect();
        let _ = write!(
            body,
            "+++\ntitle = \"{title}\"\nsummary = \"{summary}\"\ncategory = \"{category}\"\nupdated = {updated}\nsources = {sources}\ncontacts = [{}]\nkeywords = [{}]\n",
            contact_ids
                .iter()
                .map(|id| format!("\"{id}\""))
                .collect::<Vec<_>>()
                .join(", "),
            keywords.join(", "),
        );
        if i % 10 == 0 {
            let _ = writeln!(body, "aliases = [\"old-{slug}\"]");
        }
        let _ = writeln!(body, "weight = {}\n+++\n", (i % per_category + 1) * 10);

        paragraph(&vocabulary, &mut random, &mut body);
        let first_heading = random.below(HEADINGS.len());
        for section in 0..5 {
            let heading = HEADINGS[(first_heading + section * 3) % HEADINGS.len()];
            let _ = write!(body, "## {heading}\n\n");
            paragraph(&vocabulary, &mut random, &mut body);
            if random.chance(30) {
                for _ in 0..3 {
                    body.push_str("- ");
                    vocabulary.sentence(&mut random, &mut body);
                    body.push('\n');
                }
                body.push('\n');
            }
            paragraph(&vocabulary, &mut random, &mut body);
            body.truncate(body.trim_end().len());
            match random.below(6) {
                0 => {
                    let contact = random.pick(&own);
                    let _ = write!(body, " Call {} and ask for help.", contact.numbers[0]);
                }
                1 => {
                    let _ = write!(
                        body,
                        " See [a related article](/articles/{}).",
                        slugs[random.below(n)]
                    );
                }
                2 => {
                    let _ = write!(
                        body,
                        " The [directory entry](/contact#{}) has the hours.",
                        random.pick(&own).id
                    );
                }
                3 => {
                    let _ = write!(
                        body,
                        " Read [the answer](/faq#{}) too.",
                        random.pick(&faq_ids)
                    );
                }
                _ => {}
            }
            body.push_str("\n\n");
        }
        write(dir, &format!("articles/{slug}.md"), &body)?;
    }
    Ok(())
}

fn paragraph(vocabulary: &Vocabulary, random: &mut Random, out: &mut String) {
    for sentence in 0..random.between(3, 5) {
        if sentence > 0 {
            out.push(' ');
        }
        vocabulary.sentence(random, out);
    }
    out.push_str("\n\n");
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn write(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    std::fs::write(dir.join(name), text)
}
