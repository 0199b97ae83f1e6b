// Credential report: GenerateCredentialReport until COMPLETE, then GetCredentialReport (base64
// CSV) -> a table with every column and "Download credential report" (.csv).

import {call, text} from '../api.js';
import {h, table, downloadFile} from '../ui.js';
import {heading, errorSlot, button, busy, fmtDate} from '../iam-common.js';

const POLL_MS = 1000;
const MAX_POLLS = 60;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) -> rows of fields.
export function parseCsv(textValue) {
  const rows = [];
  let row = [];
  let fieldText = '';
  let quoted = false;
  for (let i = 0; i < textValue.length; i++) {
    const c = textValue[i];
    if (quoted) {
      if (c === '"') {
        if (textValue[i + 1] === '"') {
          fieldText += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        fieldText += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(fieldText);
      fieldText = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && textValue[i + 1] === '\n') i++;
      row.push(fieldText);
      rows.push(row);
      row = [];
      fieldText = '';
    } else {
      fieldText += c;
    }
  }
  if (fieldText !== '' || row.length) {
    row.push(fieldText);
    rows.push(row);
  }
  return rows;
}

function decodeBase64(b64) {
  const bytes = Uint8Array.from(atob(b64.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// Generates (or reuses, within AWS's four hours) the report and fetches it.
async function fetchReport(status) {
  for (let i = 0; i < MAX_POLLS; i++) {
    const res = await call('GenerateCredentialReport', {});
    const state = text(res, 'State');
    status.textContent = state === 'COMPLETE' ? 'Report ready.' : `Generating the report (${state || 'STARTED'})…`;
    if (state === 'COMPLETE') {
      try {
        const rep = await call('GetCredentialReport', {});
        return {csv: decodeBase64(text(rep, 'Content')), generated: text(rep, 'GeneratedTime')};
      } catch (err) {
        if (err.code !== 'ReportInProgress' && err.code !== 'ReportNotPresent') throw err;
      }
    }
    if (!status.isConnected) throw {code: 'Cancelled', message: 'The page was left.'};
    await sleep(POLL_MS);
  }
  throw {code: 'ReportInProgress', message: 'The credential report is still being generated. Try again in a moment.'};
}

export async function render(main) {
  const errs = errorSlot();
  const status = h('p', {class: 'iam-muted', role: 'status', 'aria-live': 'polite'});
  const holder = h('div', {});
  const download = button('Download credential report', null, {primary: true});
  const refresh = button('Refresh', null);
  download.disabled = true;
  main.append(heading('Credential report'),
              h('p', {class: 'iam-muted'},
                'Get a report that lists all of your account\'s users and the status of their various credentials. ' +
                'After a report is created, it is stored for up to four hours.'),
              h('div', {class: 'iam-actions'}, download, refresh), status, errs, holder);

  let report = null;
  async function load() {
    errs.clear();
    status.textContent = 'Generating the report…';
    try {
      report = await fetchReport(status);
    } catch (err) {
      status.textContent = '';
      errs.show(err);
      return;
    }
    const rows = parseCsv(report.csv).filter((r) => r.length > 1 || r[0] !== '');
    const header = rows.shift() || [];
    status.textContent = `Generated ${fmtDate(report.generated)}. ${rows.length} user${rows.length === 1 ? '' : 's'} (with the root account).`;
    download.disabled = false;
    holder.replaceChildren(table({
      columns: header.map((name, i) => ({header: name, cell: (r) => r[i] ?? ''})),
      rows,
      empty: 'No users',
      filter: (r) => r[0],
      searchLabel: 'Find users',
      label: 'Credential report',
      pageSize: 50,
    }).el);
  }
  download.addEventListener('click', () => {
    if (!report) return;
    const stamp = (report.generated || new Date().toISOString()).replace(/:/g, '_');
    downloadFile(`status_reports_${stamp}.csv`, report.csv, 'text/csv');
  });
  refresh.addEventListener('click', () => busy(refresh, load));
  await load();
}
