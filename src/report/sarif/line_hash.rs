//! `primaryLocationLineHash`, the fingerprint GitHub code scanning tracks a result by across
//! commits, computed as GitHub's upload action computes it (`fingerprints.ts` of
//! github/codeql-action): for every line, a rolling hash of the 100 characters from the
//! line's start, spaces and tabs left out and line ends read as `\n`, past the end of the
//! file a -1 and then zeros; written as the hash in hexadecimal and `:` with how many lines
//! before it had the same hash, plus one. Characters are UTF-16 code units, as JavaScript
//! reads them, and the arithmetic wraps at 64 bits as its `Long` does.

use std::collections::HashMap;

const BLOCK: usize = 100;
const MOD: u64 = 37;
const TAB: u32 = '\t' as u32;
const SPACE: u32 = ' ' as u32;
const LF: u32 = '\n' as u32;
const CR: u32 = '\r' as u32;
/// What JavaScript's reader sees past the last character (`-1` as a UTF-16 code unit).
const END: u32 = 0xFFFF;

/// The hash of every line of `text`, first line first (one more than `text.lines()` when
/// it ends with a line break: the empty line after it).
pub(super) fn line_hashes(text: &str) -> Vec<String> {
    let mut h = Hasher::new();
    for unit in text.encode_utf16() {
        h.character(u32::from(unit));
    }
    h.character(END);
    for _ in 0..BLOCK {
        if h.starts[h.index].is_some() {
            h.emit();
        }
        h.update(0);
    }
    h.out
}

struct Hasher {
    window: [u32; BLOCK],
    /// The line starting at each place of the window, if one does.
    starts: [Option<usize>; BLOCK],
    hash: u64,
    /// `MOD` to the power `BLOCK`: the weight of the character leaving the window.
    first: u64,
    index: usize,
    line: usize,
    at_line_start: bool,
    after_cr: bool,
    seen: HashMap<u64, usize>,
    out: Vec<String>,
}

impl Hasher {
    fn new() -> Hasher {
        Hasher {
            window: [0; BLOCK],
            starts: [None; BLOCK],
            hash: 0,
            first: MOD.wrapping_pow(BLOCK as u32),
            index: 0,
            line: 0,
            at_line_start: true,
            after_cr: false,
            seen: HashMap::new(),
            out: Vec::new(),
        }
    }

    fn emit(&mut self) {
        let count = self.seen.entry(self.hash).or_insert(0);
        *count += 1;
        let text = format!("{:x}:{count}", self.hash);
        if let Some(line) = self.starts[self.index].take() {
            // Lines come out in order, each once.
            if self.out.len() + 1 == line {
                self.out.push(text);
            }
        }
    }

    fn update(&mut self, c: u32) {
        let leaving = self.window[self.index];
        self.window[self.index] = c;
        self.hash = MOD
            .wrapping_mul(self.hash)
            .wrapping_add(u64::from(c))
            .wrapping_sub(self.first.wrapping_mul(u64::from(leaving)));
        self.index = (self.index + 1) % BLOCK;
    }

    fn character(&mut self, c: u32) {
        if c == SPACE || c == TAB || (self.after_cr && c == LF) {
            self.after_cr = false;
            return;
        }
        let c = if c == CR {
            self.after_cr = true;
            LF
        } else {
            self.after_cr = false;
            c
        };
        if self.starts[self.index].is_some() {
            self.emit();
        }
        if self.at_line_start {
            self.at_line_start = false;
            self.line += 1;
            self.starts[self.index] = Some(self.line);
        }
        if c == LF {
            self.at_line_start = true;
        }
        self.update(c);
    }
}

#[cfg(test)]
mod tests {
    use super::line_hashes;

    /// The values github/codeql-action's own tests expect of its `hash` (src/fingerprints.test.ts).
    #[test]
    fn hashes_are_the_ones_githubs_upload_action_computes() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        let expected = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        // Every kind of line end reads the same.
        for text in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_eq!(line_hashes(text), expected, "{text:?}");
        }
        assert_eq!(
            line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ]
        );
    }

    #[test]
    fn equal_windows_are_counted_apart() {
        let hashes = line_hashes(&"Lorem ipsum dolor sit amet.\n".repeat(10));
        assert_eq!(
            hashes,
            [
                "a7f2ff13bc495cf2:1",
                "a7f2ff13bc495cf2:2",
                "a7f2ff13bc495cf2:3",
                "a7f2ff13bc495cf2:4",
                "a7f2ff13bc495cf2:5",
                "a7f2ff13bc495cf2:6",
                "a7f2ff1481e87703:1",
                "a9cf91f7bbf1862b:1",
                "55ec222b86bcae53:1",
                "cc97dc7b1d7d8f7b:1",
                "c129715d7a2bc9a3:1",
            ]
        );
    }

    #[test]
    fn a_line_is_hashed_from_its_own_start_whatever_precedes_it() {
        let a = line_hashes("x: 1\nkind: Service\n");
        let b = line_hashes("# a comment\n\nx: 1\nkind: Service\n");
        assert_eq!(a[0], b[2]);
        assert_eq!(a[1], b[3]);
    }
}
