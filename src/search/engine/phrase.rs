//! How often a phrase occurs in one document, with slop: a port of tantivy 0.27's
//! `PhraseScorer` matching (`phrase_scorer.rs`), kept step for step so the in-memory engine counts
//! (and therefore scores) phrases exactly as tantivy does, quirks included.

/// Reusable buffers for [`phrase_count`].
#[derive(Default)]
pub(crate) struct PhraseBuffers {
    left: Vec<u32>,
    left_slops: Vec<u8>,
    positions: Vec<u32>,
    slops: Vec<u8>,
}

/// The phrase frequency tantivy computes (when `scoring`), or 1/0 for whether it matches (when
/// not: tantivy then only checks that a match exists). `terms` holds each term's positions in the
/// document, already shifted by its offset, in the order tantivy's intersection visits them.
pub(crate) fn phrase_count(
    terms: &[&[u32]],
    slop: u32,
    scoring: bool,
    buffers: &mut PhraseBuffers,
) -> u32 {
    let (Some(first), Some(last)) = (terms.first(), terms.last()) else {
        return 0;
    };
    let n = terms.len();
    buffers.left.clear();
    buffers.left.extend_from_slice(first);
    buffers.left_slops.clear();
    for middle in terms.iter().take(n.saturating_sub(1)).skip(1) {
        if slop > 0 && n > 2 {
            carrying_count(buffers, middle, slop, true);
        } else if slop > 0 {
            count_with_slop(&mut buffers.left, middle, slop, true);
        } else {
            let right: &[u32] = middle;
            buffers
                .left
                .retain(|position| right.binary_search(position).is_ok());
        }
        if buffers.left.is_empty() {
            return 0;
        }
    }
    let right: &[u32] = last;
    if !scoring {
        let found = if slop > 0 {
            exists_with_slop(&buffers.left, right, slop)
        } else {
            buffers.left.iter().any(|p| right.binary_search(p).is_ok())
        };
        return u32::from(found);
    }
    if slop > 0 {
        if n > 2 {
            carrying_count(buffers, right, slop, false)
        } else {
            count_with_slop(&mut buffers.left, right, slop, false) as u32
        }
    } else {
        buffers
            .left
            .iter()
            .filter(|p| right.binary_search(p).is_ok())
            .count() as u32
    }
}

/// tantivy's `intersection_count_with_slop`.
fn count_with_slop(left: &mut Vec<u32>, right: &[u32], slop: u32, update_left: bool) -> usize {
    let (mut left_index, mut right_index, mut count) = (0, 0, 0);
    let left_len = left.len();
    while left_index < left_len && right_index < right.len() {
        let left_val = left[left_index];
        let right_val = right[right_index];
        if left_val.abs_diff(right_val) <= slop {
            while left_index + 1 < left_len {
                if left[left_index + 1] > right_val {
                    break;
                }
                left_index += 1;
            }
            if update_left {
                left[count] = right_val;
            }
            count += 1;
            left_index += 1;
            right_index += 1;
        } else if left_val < right_val {
            left_index += 1;
        } else {
            right_index += 1;
        }
    }
    if update_left {
        left.truncate(count);
    }
    count
}

/// tantivy's `intersection_exists_with_slop`.
fn exists_with_slop(left: &[u32], right: &[u32], slop: u32) -> bool {
    let (mut left_index, mut right_index) = (0, 0);
    while left_index < left.len() && right_index < right.len() {
        let (left_val, right_val) = (left[left_index], right[right_index]);
        if left_val.abs_diff(right_val) <= slop {
            return true;
        } else if left_val < right_val {
            left_index += 1;
        } else {
            right_index += 1;
        }
    }
    false
}

/// Adds a position with its slop to the next left side, keeping the smaller slop of a repeat.
fn add(positions: &mut Vec<u32>, slops: &mut Vec<u8>, slop: u8, position: u32) {
    if positions.last() == Some(&position) {
        if let Some(last) = slops.last_mut() {
            *last = (*last).min(slop);
        }
    } else {
        positions.push(position);
        slops.push(slop);
    }
}

/// tantivy's `intersection_count_with_carrying_slop` on `buffers.left` and `right`.
fn carrying_count(buffers: &mut PhraseBuffers, right: &[u32], max_slop: u32, update: bool) -> u32 {
    let PhraseBuffers {
        left,
        left_slops,
        positions,
        slops,
    } = buffers;
    if left.is_empty() || right.is_empty() {
        if update {
            left.clear();
            left_slops.clear();
        }
        return 0;
    }
    let mut push = |slop: u32, position: u32| {
        if update {
            add(positions, slops, slop as u8, position);
        }
    };
    let (mut left_index, mut right_index, mut count) = (0, 0, 0);
    loop {
        let left_val = left[left_index];
        let slop_so_far = u32::from(left_slops.get(left_index).copied().unwrap_or(0));
        let right_val = right[right_index];
        let distance = slop_so_far + left_val.abs_diff(right_val);
        if distance <= max_slop {
            let (smaller, larger, mut smaller_index, smaller_positions) = if left_val < right_val {
                (left_val, right_val, left_index, left.as_slice())
            } else {
                (right_val, left_val, right_index, right)
            };
            let mut new_slop = distance;
            push(new_slop, smaller);
            while smaller_index + 1 < smaller_positions.len() {
                let next = smaller_positions[smaller_index + 1];
                if next > larger {
                    break;
                }
                smaller_index += 1;
                new_slop = slop_so_far + next.abs_diff(larger);
                push(new_slop, next);
            }
            push(new_slop, larger);
            count += 1;
            left_index += 1;
            right_index += 1;
        } else if left_val < right_val {
            left_index += 1;
        } else {
            right_index += 1;
        }
        if left_index >= left.len() || right_index >= right.len() {
            if left_index >= left.len() {
                let left_val = left[left.len() - 1];
                let slop_so_far = u32::from(left_slops.last().copied().unwrap_or(0));
                for &right_val in &right[right_index..] {
                    let new_slop = left_val.abs_diff(right_val) + slop_so_far;
                    if new_slop <= max_slop {
                        push(new_slop, right_val);
                    }
                }
            } else {
                let right_val = right[right.len() - 1];
                for (index, &left_val) in left.iter().enumerate().skip(left_index) {
                    let slop_so_far = u32::from(left_slops.get(index).copied().unwrap_or(0));
                    let new_slop = left_val.abs_diff(right_val) + slop_so_far;
                    if new_slop <= max_slop {
                        push(new_slop, left_val);
                    }
                }
            }
            break;
        }
    }
    if update {
        std::mem::swap(left, positions);
        std::mem::swap(left_slops, slops);
        positions.clear();
        slops.clear();
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(terms: &[&[u32]], slop: u32) -> u32 {
        phrase_count(terms, slop, true, &mut PhraseBuffers::default())
    }

    #[test]
    fn two_terms_within_slop() {
        // Positions come shifted by each term's offset: a phrase as typed lines up exactly.
        assert_eq!(count(&[&[1, 10], &[1, 12]], 1), 1);
        assert_eq!(count(&[&[1, 10], &[2, 11]], 1), 2);
        assert_eq!(count(&[&[1], &[5]], 3), 0);
        assert_eq!(
            phrase_count(&[&[1], &[3]], 2, false, &mut PhraseBuffers::default()),
            1
        );
    }

    #[test]
    fn three_terms_spend_one_slop_budget() {
        assert_eq!(count(&[&[5], &[5], &[5]], 1), 1);
        // One position off between each pair: 1 + 1 is over a budget of 1, within one of 2.
        assert_eq!(count(&[&[5], &[6], &[7]], 1), 0);
        assert_eq!(count(&[&[5], &[6], &[7]], 2), 1);
    }
}
