// Takes the README's screenshots of the demo page with headless Chromium inside the e2e
// namespace: ./run.sh --script screenshots.mjs  (writes docs/img/demo-*.png)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode, launchChromium, waitFor } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../docs/img');
mkdirSync(out, { recursive: true });
const node = await startNode({ RELAYCAST_NODE_ID: 'node-1' });
const browser = await launchChromium();
const viewport = { width: 1280, height: 800 };

async function page(query) {
  const context = await browser.newContext({ viewport, permissions: ['camera', 'microphone'] });
  const p = await context.newPage();
  await p.goto(`${node.url}/?${query}`, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  return p;
}

try {
  const room = 'standup';
  const prejoin = await page(`room=${room}&name=Ann&w=320&h=240&fps=10`);
  await prejoin.waitForFunction(() => {
    const v = document.getElementById('preview-video');
    return v.readyState >= 2 && document.getElementById('camera-select').options.length > 0;
  });
  await sleep(1000);
  await prejoin.screenshot({ path: path.join(out, 'demo-prejoin.png') });
  console.log('demo-prejoin.png');

  await prejoin.click('#join');
  const others = [];
  for (const name of ['Ben', 'Chloe', 'Dev']) others.push(await page(`room=${room}&name=${name}&autojoin&w=240&h=180&fps=10`));
  const ready = () => prejoin.evaluate(() => {
    const tiles = [...document.querySelectorAll('#tiles .tile:not(.local)')];
    return tiles.length === 3 && tiles.every((t) => t.querySelector('.badge').textContent.includes('kbps'))
      && !!document.querySelector('#tiles .tile.speaking');
  });
  await waitFor('a 4-person call with badges and a speaker', 90_000, ready).catch(async (e) => {
    await prejoin.screenshot({ path: '/tmp/relaycast-screenshot-failed.png' });
    throw new Error(e.message + '\n' + await prejoin.evaluate(() => document.getElementById('tiles').innerText
      + ' speaking=' + !!document.querySelector('#tiles .tile.speaking')));
  });
  await sleep(2500);
  await prejoin.screenshot({ path: path.join(out, 'demo-call.png') });
  console.log('demo-call.png');

  await others[0].click('#share');
  await waitFor('Ben\'s screen share decoded at Ann', 90_000, () => prejoin.evaluate(() => {
    const fig = document.querySelector('#tiles .tile.screen:not(.local)');
    return fig && fig.querySelector('video').readyState >= 2 && fig.querySelector('.badge').textContent.includes('kbps');
  }));
  await sleep(500);
  await prejoin.screenshot({ path: path.join(out, 'demo-screenshare.png') });
  console.log('demo-screenshare.png');
} finally {
  await browser.close();
  await node.kill();
}
