import { CATALOGUE } from '../../policies/catalogue';
import type { Control } from '../../policies/catalogue-types';
import { ENFORCED_THROUGH, HDS_RULES, STACK_RULE_CONTROLS } from '../../policies/rules';

/**
 * Nothing silently drops out (issue 4): every control the catalogue says is checked by a rule has at least one
 * rule of the HDS pack, and every control without a rule says how else it is checked.
 */
const checkedByRule = (c: Control) => c.checkedBy.includes('rule');

describe('the control catalogue and the HDS pack', () => {
  const enforced = new Set([...HDS_RULES.map((r) => r.control as string), ...STACK_RULE_CONTROLS]);
  const isEnforced = (id: string) => enforced.has(id) || (ENFORCED_THROUGH[id] !== undefined && enforced.has(ENFORCED_THROUGH[id].control));

  it.each((CATALOGUE as readonly Control[]).filter(checkedByRule).map((c) => c.id))('%s, checked by rule, has a rule', (id) => {
    expect(isEnforced(id)).toBe(true);
  });

  it.each((CATALOGUE as readonly Control[]).filter((c) => !checkedByRule(c)).map((c) => [c.id, c.checkedBy.join(', ')]))(
    '%s has no rule and is checked by %s instead',
    (id, how) => {
      expect(isEnforced(id)).toBe(false);
      expect(how.length).toBeGreaterThan(0);
    },
  );

  it('every rule belongs to a control of the catalogue that says it is checked by rule', () => {
    for (const rule of HDS_RULES) {
      const control = (CATALOGUE as readonly Control[]).find((c) => c.id === rule.control);
      expect({ rule: rule.id, checkedByRule: control && checkedByRule(control) }).toEqual({ rule: rule.id, checkedByRule: true });
    }
  });

  it('a control enforced through another names rules of that control', () => {
    for (const [id, through] of Object.entries(ENFORCED_THROUGH)) {
      for (const rule of through.rules) {
        expect({ id, rule, control: HDS_RULES.find((r) => r.id === rule)?.control }).toEqual({ id, rule, control: through.control });
      }
    }
  });

  it('the controls every platform needs, which an organization may provide outside the templates, are the reviewed list', () => {
    expect((CATALOGUE as readonly Control[]).filter((c) => c.everyPlatform).map((c) => c.id)).toEqual([
      'BAK-01',
      'BAK-02',
      'LOG-01',
      'LOG-02',
      'DET-01',
      'DET-02',
      'DET-03',
    ]);
  });
});
