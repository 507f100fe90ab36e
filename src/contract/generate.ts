/** `npm run contract`: write contract.json for the harness from src/contract/. */
import { writeFileSync } from 'node:fs';
import { CONTRACT_JSON_PATH, contractText } from './contract-json.ts';

writeFileSync(CONTRACT_JSON_PATH, contractText());
console.log(`wrote ${CONTRACT_JSON_PATH}`);
