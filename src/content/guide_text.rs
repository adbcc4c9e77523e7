//! The source guides' text cut into the parts `guides.toml` names, so a locator
//! (`guide#part`) can be looked up: each part runs from its `starts` line to the next part's.

use std::collections::HashMap;
use std::path::Path;

use super::checker::Checker;
use super::locator::Locator;
use super::model::Guide;
use super::sources::SourceFile;
use super::toml_file::{find_line, find_line_from};

/// One part of a guide.
pub(super) struct PartText {
    /// The part's first line (its heading, or the line it starts at).
    pub(super) heading: String,
    /// The part's lines, the first included.
    pub(super) lines: Vec<String>,
    /// The lines joined with newlines.
    pub(super) text: String,
}

/// Every part of every guide that could be read, by locator.
#[derive(Default)]
pub(super) struct GuideTexts {
    parts: HashMap<Locator, PartText>,
}

impl GuideTexts {
    /// Reads each guide's file from `dir` and cuts it into its parts; an unreadable file, a part
    /// whose `starts` line is not found (after the previous part's) or a title the guide does not
    /// have is reported in `guides_file` (`guides.toml`).
    pub(super) fn read(
        checker: &mut Checker<'_>,
        guides_file: &SourceFile,
        guides: &[Guide],
        dir: &Path,
    ) -> GuideTexts {
        let mut texts = GuideTexts::default();
        for guide in guides {
            let guide_line = find_line(&guides_file.text, &format!("\"{}\"", guide.id));
            let path = dir.join(&guide.file);
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(error) => {
                    checker.report(
                        guides_file,
                        guide_line,
                        format!(
                            "guide `{}`: cannot read {}: {error}",
                            guide.id,
                            path.display()
                        ),
                    );
                    continue;
                }
            };
            check_title(checker, guides_file, guide, &text);
            texts.cut(checker, guides_file, guide, &text, guide_line);
        }
        texts
    }

    /// Cuts `text` (the guide's) into its parts.
    fn cut(
        &mut self,
        checker: &mut Checker<'_>,
        guides_file: &SourceFile,
        guide: &Guide,
        text: &str,
        guide_line: Option<usize>,
    ) {
        let lines: Vec<&str> = text.lines().collect();
        let mut starts = Vec::with_capacity(guide.parts.len());
        let mut from = 0;
        for part in &guide.parts {
            match (from..lines.len()).find(|&index| lines[index].contains(part.starts.as_str())) {
                Some(index) => {
                    starts.push(index);
                    from = index + 1;
                }
                None => {
                    let line = find_line_from(
                        &guides_file.text,
                        guide_line.unwrap_or(1),
                        &format!("\"{}\"", part.starts),
                    );
                    checker.report(
                        guides_file,
                        line.or(guide_line),
                        format!(
                            "guide `{}`, part `{}`: no line of {} after the previous part's contains `{}`",
                            guide.id, part.id, guide.file, part.starts
                        ),
                    );
                    return;
                }
            }
        }
        for (index, part) in guide.parts.iter().enumerate() {
            let end = starts.get(index + 1).copied().unwrap_or(lines.len());
            let part_lines: Vec<String> = lines[starts[index]..end]
                .iter()
                .map(|line| (*line).to_string())
                .collect();
            self.parts.insert(
                Locator {
                    guide: guide.id.clone(),
                    part: part.id.clone(),
                },
                PartText {
                    heading: part_lines.first().cloned().unwrap_or_default(),
                    text: part_lines.join("\n"),
                    lines: part_lines,
                },
            );
        }
    }

    /// The text of the part `locator` names, when its guide could be read.
    pub(super) fn part(&self, locator: &Locator) -> Option<&PartText> {
        self.parts.get(locator)
    }

    /// The texts of the parts `locators` name.
    pub(super) fn parts<'a>(
        &'a self,
        locators: impl IntoIterator<Item = &'a Locator>,
    ) -> Vec<&'a PartText> {
        locators
            .into_iter()
            .filter_map(|locator| self.part(locator))
            .collect()
    }
}

/// A guide's `title` is its own (found in its text), or says it is a description of an untitled
/// guide by starting with "Untitled".
fn check_title(checker: &mut Checker<'_>, guides_file: &SourceFile, guide: &Guide, text: &str) {
    if !guide.title.starts_with("Untitled") && !text.contains(guide.title.as_str()) {
        checker.report(
            guides_file,
            find_line(&guides_file.text, &format!("\"{}\"", guide.title)),
            format!(
                "guide `{}`: the title `{}` is not in {}; give the guide's own title, or describe an untitled guide starting with \"Untitled\"",
                guide.id, guide.title, guide.file
            ),
        );
    }
}
