// The yaml package's node types, built fast for the lenient reader (yamlLenient.ts).
import { isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

// The yaml package marks each node with Object.defineProperty in its constructor, which costs more
// than the whole reading (a 100,000-item list: 280 ms of 300). These subclasses of its node
// prototypes carry the mark on the prototype instead; isMap/isSeq/isScalar/isPair and the methods
// (YAMLMap.get) work unchanged. A self-check falls back to the real constructors should the
// package ever mark nodes differently.
const NODE_TYPE = Symbol.for('yaml.node.type');

function fastClass<T extends object>(base: { prototype: T }, mark: symbol): new () => T {
  const Fast = function (this: T) {} as unknown as new () => T;
  Fast.prototype = Object.create(base.prototype, { [NODE_TYPE]: { value: mark } });
  return Fast;
}

const FastScalar = fastClass(Scalar, Symbol.for('yaml.scalar'));
const FastMap = fastClass(YAMLMap, Symbol.for('yaml.map'));
const FastSeq = fastClass(YAMLSeq, Symbol.for('yaml.seq'));
const FastPair = fastClass(Pair, Symbol.for('yaml.pair'));
const FAST = (() => {
  const map = new FastMap();
  map.items = [];
  const pair = new FastPair();
  const value = scalarNode('v', [3, 4, 4], Scalar.PLAIN, true);
  pair.key = scalarNode('k', [0, 1, 1], Scalar.PLAIN, true);
  pair.value = value;
  map.items.push(pair);
  return isScalar(value) && isSeq(new FastSeq()) && isPair(pair) && isMap(map) && map.get('k', true) === value && map.get('k') === 'v' && value instanceof Scalar;
})();

export function scalarNode(value: unknown, range: [number, number, number], type: Scalar.Type, fast = FAST): Scalar {
  const scalar = fast ? new FastScalar() : new Scalar(value);
  scalar.value = value;
  scalar.range = range;
  scalar.type = type;
  return scalar;
}

export function mapNode(flow = false): YAMLMap {
  const map = FAST ? new FastMap() : new YAMLMap();
  map.items = [];
  if (flow) map.flow = true;
  return map;
}

export function seqNode(flow = false): YAMLSeq {
  const seq = FAST ? new FastSeq() : new YAMLSeq();
  seq.items = [];
  if (flow) seq.flow = true;
  return seq;
}

export function pairNode(key: unknown, value: unknown): Pair {
  if (!FAST) return new Pair(key, value);
  const pair = new FastPair() as Pair;
  pair.key = key;
  pair.value = value;
  return pair;
}
