// Which workspace rules read a data component (through their log source), rebuilt lazily when the
// rule index or the log-source table changes — for the technique panel's per-component rule lists.
import type { RuleDocument } from '../formats/model';
import type { RuleIndex } from './ruleIndex';

export type RuleComponentsOf = (rule: RuleDocument) => { components: string[]; platforms?: string[] } | undefined;

export class ComponentIndex {
  private builtFor: { generation: number; source: RuleComponentsOf } | undefined;
  private readonly byComponent = new Map<string, RuleDocument[]>();

  constructor(private readonly index: RuleIndex) {}

  /** Rules whose log source provides the component (by name, case-insensitive). */
  rulesReading(component: string, componentsOf: RuleComponentsOf): RuleDocument[] {
    if (this.builtFor?.generation !== this.index.generation || this.builtFor.source !== componentsOf) this.rebuild(componentsOf);
    return this.byComponent.get(component.toLowerCase()) ?? [];
  }

  private rebuild(componentsOf: RuleComponentsOf): void {
    this.byComponent.clear();
    for (const rule of this.index.all()) {
      for (const name of componentsOf(rule)?.components ?? []) {
        const key = name.toLowerCase();
        const list = this.byComponent.get(key);
        if (list) list.push(rule);
        else this.byComponent.set(key, [rule]);
      }
    }
    this.builtFor = { generation: this.index.generation, source: componentsOf };
  }
}
