// The records the WebAssembly quick scanner (server/asm/sigmaQuickScan.ts) writes and
// sigmaQuickScanBytes.ts reads: one file, compiled by both AssemblyScript and tsc, so the two sides
// cannot disagree on a slot. All i32 slots:
//   RECORD_READ        1 when the file was read, 0 when declined
//   IDENTITY_COUNT     identity entries n (at most 4), then at IDENTITY + 5i: key bit, value start,
//                      value end, flags (VALUE_QUOTED, VALUE_MAYBE_NOT_STRING), string number (-1: none)
//   LOG_SOURCE_LINE    the log source key's line (-1: none); LOG_SOURCE_COUNT: fields m (at most 3),
//                      then at LOG_SOURCE_FIELDS + 5i: field (FIELD_*), value start, value end, flags,
//                      string number
//   INSERTION_LINE     the insertion line (-1: none); then the item prefix's start, end, string number
//   TAG_COUNT          tags k (at most MAX_TAGS), then at TAGS + 5i: line, value start, value end,
//                      line start, string number
export const RECORD_READ = 0;
export const IDENTITY_COUNT = 1;
export const IDENTITY = 2;
export const LOG_SOURCE_LINE = 22;
export const LOG_SOURCE_COUNT = 23;
export const LOG_SOURCE_FIELDS = 24;
export const INSERTION_LINE = 39;
export const TAG_COUNT = 43;
export const TAGS = 44;
export const MAX_TAGS = 1000;
export const RECORD_SLOTS = TAGS + 5 * MAX_TAGS;

export const VALUE_QUOTED = 1;
/** A plain value that could be null, a boolean or a number: the reader checks with YAML's rules. */
export const VALUE_MAYBE_NOT_STRING = 2;

export const FIELD_CATEGORY = 1;
export const FIELD_PRODUCT = 2;
export const FIELD_SERVICE = 3;

// The bits of the top-level keys the scanner reads (as sigmaQuickScan.ts KEY_BITS).
export const KEY_TITLE = 1;
export const KEY_ID = 2;
export const KEY_STATUS = 4;
export const KEY_LEVEL = 8;
export const KEY_TAGS = 16;
export const KEY_LOGSOURCE = 32;
