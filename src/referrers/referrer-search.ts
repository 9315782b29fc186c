/** Whether a referrer shown on a page matches what was typed in its search box (name, company or email). */
export function referrerMatches(who: { fullName: string; companyName: string; email: string } | undefined, text: string | undefined): boolean {
  const q = (text ?? '').trim().toLocaleLowerCase();
  if (!q) return true;
  if (!who) return false;
  return [who.fullName, who.companyName, who.email].some((s) => s.toLocaleLowerCase().includes(q));
}
