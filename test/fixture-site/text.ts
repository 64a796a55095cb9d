// English-like news text from templates and word banks. All names are invented; the mix of
// curly quotes, apostrophes, ampersands, dashes and numbers exercises escaping and parsing.

import type { Rng } from './prng.js';

const FIRST = [
  'Hassan', 'Maria', 'John', 'Sergei', 'Ahmed', 'Fatima', 'Karim', 'Elena', 'David', 'Li', 'Omar', 'Samira', 'Peter',
  'Yusuf', 'Anna', 'Rajesh', 'Leila', 'Mohammad', 'Sarah', 'Viktor', 'Amina', 'Daniel', 'Nadia', 'Tariq', 'Helen',
  'Reza', 'Zainab', 'Marco', 'Ibrahim', 'Olga', 'Kenji', 'Grace', 'Hamid', 'Sofia', 'Ali', 'Thomas', 'Mariam', 'Javad',
];
const LAST = [
  'Rahimi', 'Lopez', 'Whitaker', 'Volkov', 'Nasser', 'Al-Sayed', 'Haddad', 'Petrova', 'Morrison', 'Wei', 'Farouk',
  'Khalil', 'Grant', 'Demir', 'Kowalski', 'Menon', 'Karimi', 'Hosseini', 'Bennett', 'Orlov', 'Mansour', 'Fischer',
  'Saleh', 'Qureshi', 'Novak', 'Moradi', 'Jaber', 'Rossi', 'Ebrahimi', 'Sokolova', 'Tanaka', 'Adeyemi', 'Bakr',
  'Mendes', 'Nouri', 'Keller', 'Darwish', 'Yilmaz',
];
const ROLES = [
  'foreign minister', 'defense minister', 'government spokesperson', 'senior official', 'political analyst', 'lawmaker',
  'ambassador', 'security chief', 'UN envoy', 'army commander', 'economy minister', 'oil minister', 'deputy speaker',
  'human rights lawyer', 'opposition leader', 'central bank governor', 'health minister', 'trade envoy',
];
const COUNTRIES = [
  'Iran', 'Iraq', 'Syria', 'Lebanon', 'Yemen', 'Saudi Arabia', 'Turkey', 'Russia', 'China', 'India', 'Pakistan',
  'Afghanistan', 'Egypt', 'Qatar', 'Oman', 'Jordan', 'Bahrain', 'Kuwait', 'US', 'UK', 'France', 'Germany', 'Venezuela',
  'Ethiopia', 'Nigeria', 'Indonesia', 'Malaysia', 'Azerbaijan', 'Armenia', 'Ukraine', 'Brazil', 'South Africa', 'Japan',
  'Tunisia', 'Algeria', 'Sudan', 'Libya', 'Kazakhstan', 'Bangladesh', 'Mexico',
];
const CITIES = [
  'Tehran', 'Baghdad', 'Damascus', 'Beirut', 'Sanaa', 'Riyadh', 'Ankara', 'Moscow', 'Beijing', 'New Delhi', 'Islamabad',
  'Kabul', 'Cairo', 'Doha', 'Muscat', 'Amman', 'Manama', 'Kuwait City', 'Washington', 'London', 'Paris', 'Berlin',
  'Caracas', 'Addis Ababa', 'Abuja', 'Jakarta', 'Kuala Lumpur', 'Baku', 'Yerevan', 'Kyiv', 'Geneva', 'Vienna', 'Brussels',
  'New York', 'Basra', 'Aleppo', 'Hasakah', 'Mosul', 'Tripoli', 'Sidon', 'Mashhad', 'Isfahan', 'Karachi', 'Herat',
  'Aden', 'Hodeidah', 'Latakia', 'Erbil', 'Najaf', 'Karbala',
];
const ORGS = [
  'the United Nations', 'NATO', 'the European Union', 'the Arab League', 'the World Health Organization', 'the IAEA',
  'the UN Security Council', 'OPEC', 'the Red Cross', 'Amnesty International', 'the World Bank', 'the IMF',
  'the African Union', 'ASEAN', 'the Shanghai Cooperation Organization', 'the OIC', 'the World Food Programme',
  'the Trade & Investment Council', 'the Research & Development Agency', 'UNICEF',
];
const ORGS_T = [
  'UN', 'NATO', 'EU', 'Arab League', 'WHO', 'IAEA', 'UN Security Council', 'OPEC', 'Red Cross', 'Amnesty', 'World Bank',
  'IMF', 'African Union', 'ASEAN', 'SCO', 'OIC', 'WFP', 'UNICEF',
];
const ISSUES = [
  'sanctions', 'the nuclear deal', 'border tensions', 'the humanitarian crisis', 'rising food prices', 'the refugee crisis',
  'energy security', 'the drought', 'inflation', 'unemployment', 'the ceasefire', 'maritime security', 'the oil market',
  'cyber attacks', 'water shortages', 'the election dispute', 'the peace talks', 'trade barriers', 'climate change',
  'the currency crisis', 'the fuel shortage', 'the blockade', 'the grain corridor', 'the wheat harvest', 'air pollution',
];
const ISSUES_T = [
  'Sanctions', 'Nuclear Talks', 'Border Tensions', 'Humanitarian Crisis', 'Food Prices', 'Refugee Crisis', 'Energy Crunch',
  'Drought', 'Inflation', 'Unemployment', 'Ceasefire Violations', 'Maritime Security', 'Oil Price Slump', 'Cyber Attacks',
  'Water Shortages', 'Election Dispute', 'Stalled Peace Talks', 'Trade Barriers', 'Climate Threats', 'Currency Crisis',
  'Fuel Shortage', 'Blockade', 'Grain Exports', 'Wheat Harvest', 'Air Pollution',
];
const VERBS_T = [
  'Boosts', 'Halts', 'Resumes', 'Expands', 'Suspends', 'Doubles', 'Cuts', 'Condemns', 'Rejects', 'Welcomes', 'Backs',
  'Slams', 'Launches', 'Unveils', 'Blocks', 'Approves', 'Extends', 'Delays', 'Revives', 'Defends',
];
const VERB_T = [
  'Train', 'Protect', 'Monitor', 'Support', 'Secure', 'Rebuild', 'Reinforce', 'Evacuate', 'Supply', 'Counter',
];
const OBJECTS_T = [
  'Oil Exports', 'Gas Deliveries', 'Military Drills', 'Aid Convoys', 'Rail Project', 'Border Crossings', 'Wheat Imports',
  'Naval Patrols', 'Vaccine Shipments', 'Port Expansion', 'Power Grid Deal', 'Fuel Subsidies', 'Drone Program',
  'Embassy Operations', 'Flights', 'Mining Licenses', 'Trade Corridor', 'Housing Plan', 'Water Pipeline', 'Tariffs',
];
const GROUPS_T = [
  'Local Militias', 'Border Guards', 'Kurdish Militants', 'Police Recruits', 'Coast Guards', 'Volunteer Units',
  'Tribal Fighters', 'Special Forces',
];
const FIELDS_T = [
  'Energy', 'Trade', 'Health', 'Transport', 'Agriculture', 'Education', 'Tourism', 'Banking', 'Security', 'Technology',
  'Water Management', 'Science & Research',
];
const EVENTS_T = [
  'Car Bomb Explosion', 'Flash Floods', 'Bus Crash', 'Mine Blast', 'Drone Strike', 'Factory Fire', 'Landslide',
  'Airstrike', 'Earthquake', 'Stampede',
];
const REGIONS = ['Northern', 'Southern', 'Eastern', 'Western', 'Central', 'Northwestern', 'Southeastern'];
const OFFICES_T = [
  'President', 'Foreign Minister', 'Security Advisor', 'Prime Minister', 'Army Chief', 'Parliament Speaker',
  'Trade Minister', 'Oil Minister',
];
const QUOTES_T = [
  'Pressure Will Never Work', 'We Are Ready for Dialogue', 'Our Red Lines Are Clear', 'The Region Needs Stability',
  'Resistance Will Continue', 'Sanctions Have Failed', 'No Deal Without Guarantees', 'Time to End the War',
  'The Door to Diplomacy Is Open', 'We Won’t Rule Out Any Option',
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SOURCES = [
  'local officials', 'state media', 'a statement by the ministry', 'witnesses', 'the health ministry', 'security sources',
  'a UN report', 'rescue teams', 'the provincial governor', 'the civil defense',
];
const ECON = [
  'non-oil exports', 'industrial output', 'food imports', 'steel production', 'tourist arrivals', 'car sales',
  'electricity demand', 'foreign investment', 'housing prices', 'crude output',
];
const CLAUSES = [
  (r: Rng) => `${r.pick(COUNTRIES)} would not bow to ${r.pick(ISSUES)}`,
  (r: Rng) => `${r.pick(ISSUES)} could spill over into neighboring countries`,
  (r: Rng) => `talks on ${r.pick(ISSUES)} had reached a “critical stage”`,
  (r: Rng) => `the government was ready to ${r.pick(['resume', 'expand', 'review', 'suspend'])} cooperation with ${r.pick(ORGS)}`,
  (r: Rng) => `more than ${r.int(2, 90)} percent of the population had been affected by ${r.pick(ISSUES)}`,
  (r: Rng) => `the decision was “a clear violation of international law”`,
  (r: Rng) => `${r.pick(CITIES)} and ${r.pick(CITIES)} had agreed to open a new trade route`,
  (r: Rng) => `the country’s economy grew by ${r.int(1, 9)}.${r.int(0, 9)} percent last year`,
  (r: Rng) => `foreign forces must leave the region “as soon as possible”`,
  (r: Rng) => `the committee would publish its findings within ${r.int(2, 12)} weeks`,
  (r: Rng) => `${r.pick(ORGS)} had failed to act on ${r.pick(ISSUES)}`,
  (r: Rng) => `the new measures would take effect from ${r.pick(['next month', 'early next year', 'the end of the week', 'the spring'])}`,
];

const person = (r: Rng) => `${r.pick(FIRST)} ${r.pick(LAST)}`;
const num = (r: Rng) => {
  const n = r.int(3, 4800);
  return n >= 1000 ? `${Math.floor(n / 1000)},${String(n % 1000).padStart(3, '0')}` : String(n);
};

const SENTENCES: Array<(r: Rng) => string> = [
  (r) => `${person(r)}, ${r.pick(COUNTRIES)}’s ${r.pick(ROLES)}, said on ${r.pick(WEEKDAYS)} that ${r.pick(CLAUSES)(r)}.`,
  (r) => `“${cap(r.pick(CLAUSES)(r)).replace(/“/g, '‘').replace(/”/g, '’')},” ${person(r)} told reporters in ${r.pick(CITIES)}.`,
  (r) => `The announcement comes ${r.pick(['two days', 'a week', 'hours', 'less than a month', 'three weeks'])} after ${r.pick(ORGS)} warned about ${r.pick(ISSUES)}.`,
  (r) => `According to ${r.pick(SOURCES)}, at least ${r.int(2, 60)} people ${r.pick(['were killed', 'were injured', 'were detained', 'have been displaced', 'were rescued'])} in ${r.pick(CITIES)} ${r.pick(['on Monday', 'overnight', 'earlier this week', 'on Saturday morning', 'last night'])}.`,
  (r) => `${cap(r.pick(ORGS))} said in a statement that ${r.pick(CLAUSES)(r)}, adding that ${r.pick(CLAUSES)(r)}.`,
  (r) => `Analysts in ${r.pick(CITIES)} believe ${r.pick(CLAUSES)(r)}, although ${r.pick(CLAUSES)(r)}.`,
  (r) => `${r.pick(COUNTRIES)}’s ministry of industry reported a ${r.int(2, 40)}% ${r.pick(['increase', 'decrease'])} in ${r.pick(ECON)}, the ${r.pick(['highest', 'lowest'])} level since ${r.int(1998, 2019)}.`,
  (r) => `Officials from ${r.pick(COUNTRIES)} and ${r.pick(COUNTRIES)} are expected to meet in ${r.pick(CITIES)} ${r.pick(['next week', 'later this month', 'on Thursday', 'before the end of the year'])} to discuss ${r.pick(ISSUES)}.`,
  (r) => `“We will not accept ${r.pick(ISSUES)} as a means of pressure,” the ${r.pick(ROLES)} said — a message widely seen as directed at ${r.pick(COUNTRIES)}.`,
  (r) => `${r.pick(COUNTRIES)} has repeatedly denied the allegations, calling them “${r.pick(['baseless', 'politically motivated', 'absurd', 'fabricated'])} and irresponsible”.`,
  (r) => `More than ${num(r)} people took part in ${r.pick(['the rallies', 'the protests', 'the ceremony', 'the march'])} held in ${r.pick(CITIES)} on ${r.pick(WEEKDAYS)}.`,
  (r) => `The ${r.pick(['Trade & Investment Forum', 'Oil & Gas Exhibition', 'Science & Technology Fair', 'Arts & Culture Week'])} in ${r.pick(CITIES)} drew delegations from ${r.int(8, 70)} countries.`,
  (r) => `Prices of ${r.pick(['bread', 'rice', 'cooking oil', 'fuel', 'medicine', 'sugar'])} have risen by ${r.int(10, 300)} percent since ${r.pick(['January', 'March', 'the summer', 'last year'])}, ${r.pick(SOURCES)} said.`,
  (r) => `The ${r.pick(ROLES)} described the situation as “${r.pick(['very worrying', 'under control', 'dire', 'extremely fragile', 'a turning point'])}” and called for ${r.pick(['restraint', 'an independent inquiry', 'urgent aid', 'direct talks', 'a ceasefire'])}.`,
  (r) => `${person(r)} is due to travel to ${r.pick(CITIES)} ${r.pick(['on Sunday', 'next month', 'in the coming days'])}, where ${r.pick(['he', 'she'])} will meet ${r.pick(['senior officials', 'business leaders', 'religious scholars', 'tribal elders'])}.`,
  (r) => `Since ${r.int(2003, 2020)}, the ${r.pick(['conflict', 'blockade', 'crisis', 'dispute'])} has cost the economy an estimated $${r.int(2, 90)} billion.`,
  (r) => `Residents of ${r.pick(CITIES)} told Islam Times that ${r.pick(['electricity', 'running water', 'internet access', 'fuel'])} had been cut for ${r.int(2, 14)} days.`,
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const TITLES: Array<(r: Rng) => string> = [
  (r) => `${r.pick(COUNTRIES)} ${r.pick(VERBS_T)} ${r.pick(OBJECTS_T)} amid ${r.pick(ISSUES_T)}`,
  (r) => `${r.pick(LAST)}: ${r.pick(COUNTRIES)} Will Never Accept ${r.pick(ISSUES_T)}`,
  (r) => `Report: ${r.pick(COUNTRIES)} Sends Forces to ${r.pick(CITIES)} to ${r.pick(VERB_T)} ${r.pick(GROUPS_T)}`,
  (r) => `${r.pick(ORGS_T)} Warns of ${r.pick(ISSUES_T)} in ${r.pick(COUNTRIES)}`,
  (r) => `${r.int(3, 40)} Killed in ${r.pick(EVENTS_T)} in ${r.pick(REGIONS)} ${r.pick(COUNTRIES)}`,
  (r) => `${r.pick(COUNTRIES)}’s ${r.pick(OFFICES_T)} Visits ${r.pick(CITIES)}: ${r.pick(QUOTES_T)}`,
  (r) => `${r.pick(COUNTRIES)}, ${r.pick(COUNTRIES)} Sign ${r.int(2, 19)} Agreements on ${r.pick(FIELDS_T)}`,
  (r) => `${r.pick(COUNTRIES)} Neglects ${r.pick(COUNTRIES)} Threats, ${r.pick(VERBS_T)} ${r.pick(OBJECTS_T)}`,
  (r) => `“${r.pick(QUOTES_T)}”: ${r.pick(LAST)} Slams ${r.pick(COUNTRIES)} Policy`,
  (r) => `Protests Erupt in ${r.pick(CITIES)} over ${r.pick(ISSUES_T)}`,
  (r) => `${r.pick(COUNTRIES)} ${r.pick(OFFICES_T)} to Visit ${r.pick(CITIES)} for Talks on ${r.pick(FIELDS_T)}`,
  (r) => `${r.pick(ORGS_T)} Chief: ${r.pick(ISSUES_T)} in ${r.pick(COUNTRIES)} ‘Worst in Decades’`,
  (r) => `${r.pick(COUNTRIES)}’s ${r.pick(['Non-Oil Exports', 'Steel Output', 'Car Production', 'Tourism Revenue'])} Up ${r.int(3, 60)}% in ${r.pick(['First Quarter', 'Nine Months', 'Past Year', 'October'])}`,
  (r) => `${r.pick(COUNTRIES)} & ${r.pick(COUNTRIES)} Launch Joint ${r.pick(FIELDS_T)} Fund`,
];

export function makeTitle(r: Rng): string {
  let t = r.pick(TITLES)(r);
  if (r.chance(0.15)) t += `, ${r.pick(['Official Says', 'Report Says', 'Minister Says', 'Sources Say'])}`;
  return t;
}

export function makeSentence(r: Rng): string {
  return r.pick(SENTENCES)(r);
}

export function makeParagraph(r: Rng, minSentences = 1, maxSentences = 4): string {
  const n = r.int(minSentences, maxSentences);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(makeSentence(r));
  return out.join(' ');
}

export function makeLead(r: Rng): string {
  return `${makeSentence(r)}${r.chance(0.5) ? ` ${makeSentence(r)}` : ''}`;
}

export function makeSubheading(r: Rng): string {
  return r.pick([
    `${r.pick(ISSUES_T)} in Focus`, `Reaction from ${r.pick(CITIES)}`, `Economic Impact`, `Background`, `What Comes Next`,
    `${r.pick(COUNTRIES)}’s Position`, `Regional Concerns`, `Humanitarian Situation`, `Diplomatic Efforts`,
  ]);
}

export function makeTags(r: Rng): string[] {
  const pool = [...COUNTRIES, ...ISSUES_T, ...ORGS_T, ...FIELDS_T];
  return r.sample(pool, r.int(2, 5));
}

export const MENU_SECTIONS = [
  'Middle East', 'World', 'Iran', 'Iraq', 'Syria', 'Lebanon', 'Palestine', 'Yemen', 'Afghanistan', 'Pakistan', 'Europe',
  'Americas', 'Africa', 'Asia', 'Economy', 'Culture', 'Opinion', 'Interview', 'Analysis', 'Photos', 'Videos',
];
export const MENU_TOPICS = [...COUNTRIES, ...ISSUES_T, ...FIELDS_T, ...ORGS_T, ...CITIES];

/** Cut `s` at a word boundary to at most `max` characters. */
export function truncateWords(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max + 1);
  const sp = cut.lastIndexOf(' ');
  return (sp > max / 3 ? cut.slice(0, sp) : s.slice(0, max)).replace(/[\s,;:—–-]+$/, '');
}
