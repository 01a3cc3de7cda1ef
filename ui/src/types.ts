// The IPC contract's shapes, written by hand from the contract until the generated
// `bindings.ts` (tauri-specta) lands; then these re-export from there. Field names are the
// JSON (snake_case) names the Rust DTOs serialize to.

export type Status = 'to_review' | 'ready_to_post' | 'approved' | 'posted' | 'rejected' | 'failed';
export type SortKey = 'received' | 'amount' | 'supplier' | 'confidence' | 'number';

export type QueueQuery = {
  status: string | null;
  search: string | null;
  sort: string;
  descending: boolean;
};

export type QueueRow = {
  id: string;
  short_id: string;
  file_name: string;
  status: string;
  doc_type: string | null;
  supplier: string | null;
  number: string | null;
  amount: string | null;
  currency: string | null;
  issue_date: string | null;
  min_confidence: number | null;
  reasons: string[];
  received_at: string;
};

export type QueueCounts = {
  to_review: number;
  ready_to_post: number;
  approved: number;
  posted: number;
  rejected: number;
  failed: number;
  all: number;
};

/** What a prefetch of the next document did (`warmed`, `superseded`, `nothing`). */
export type PrefetchReport = { id: string; outcome: string; page: number | null; millis: number };

export type BoxDto = { x: number; y: number; w: number; h: number };
export type PageInfo = { index: number; width: number; height: number };

export type FindingView = {
  code: string;
  severity: string;
  stage: string;
  message: string;
  fields: string[];
};

export type AlternativeView = {
  value: string;
  confidence: number;
  explanation: string;
  page: number | null;
  bbox: BoxDto | null;
};

export type FieldView = {
  key: string;
  label: string;
  kind: string;
  value: string | null;
  confidence: number;
  source: string;
  page: number | null;
  bbox: BoxDto | null;
  words: number[];
  producer: string;
  producer_version: string;
  explanation: string;
  alternatives: AlternativeView[];
  findings: FindingView[];
};

export type CellView = {
  key: string;
  value: string | null;
  confidence: number;
  page: number | null;
  bbox: BoxDto | null;
};

export type LineItemView = { index: number; cells: CellView[] };

export type CorrectionView = {
  at: string;
  user: string;
  target: string;
  old: string | null;
  new: string | null;
  source: string;
};

export type ReviewDocument = {
  id: string;
  short_id: string;
  file_name: string;
  status: string;
  doc_type: string | null;
  subtype: string | null;
  language: string | null;
  route: string;
  reasons: FindingView[];
  pages: PageInfo[];
  fields: FieldView[];
  line_items: LineItemView[];
  findings: FindingView[];
  corrections: CorrectionView[];
  result_version: number | null;
  can_approve: boolean;
  can_reject: boolean;
};

export type WordView = { index: number; text: string; bbox: BoxDto; line: number };

export type CorrectionTargetDto =
  | { kind: 'header'; field: string }
  | { kind: 'line_cell'; line: number; key: string }
  | { kind: 'line_add'; after: number | null }
  | { kind: 'line_delete'; line: number }
  | { kind: 'line_split'; line: number };

export type CorrectionSourceDto =
  | { kind: 'words'; page: number; words: number[] }
  | { kind: 'region'; page: number; bbox: BoxDto }
  | { kind: 'typed' }
  | { kind: 'confirmed' };

export type CorrectionRequest = {
  target: CorrectionTargetDto;
  value: string | null;
  source: CorrectionSourceDto;
};

export type ValueCheck = { ok: boolean; normalized: string | null; message: string | null };

export type ProcessProgress = {
  done: number;
  total: number;
  file: string;
  status: string;
  message: string | null;
};

export type BatchSummaryDto = { processed: number; duplicates: number; failed: number; ids: string[] };

export type SapSettingsView = {
  configured: boolean;
  base_url: string | null;
  company_code: string | null;
  user: string | null;
};

export type AppSettings = {
  data_dir: string;
  review_threshold: number;
  auto_approve_threshold: number;
  ocr_model: string;
  ocr_threads: number;
  execution_provider: string;
  data_dir_on_restart: string | null;
  overridden: string[];
  hot_folder: string | null;
  ui_language: string;
  theme: string;
  user_name: string;
  sap: SapSettingsView;
};

export type ApiErrorDto = { code: string; message: string };

export type Result<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };
