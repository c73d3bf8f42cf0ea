/**
 * Well-formed XML, checked by hand (the repository has no XML parser and needs none): every tag closes in order,
 * attributes are quoted, text has no bare '<' or '&'. Returns the problem, or undefined.
 */
export const xmlProblem = (text: string): string | undefined => {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let position = 0;
  for (const match of body.matchAll(/<[^>]*>/g)) {
    const between = body.slice(position, match.index);
    if (/[<]|&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(between)) return `bad text before offset ${match.index}: ${between.slice(0, 40)}`;
    position = (match.index ?? 0) + match[0].length;
    const tag = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>$/.exec(match[0]);
    if (!tag) return `malformed tag ${match[0].slice(0, 60)}`;
    const [, closing, name = '', , selfClosing] = tag;
    if (closing) {
      if (stack.pop() !== name) return `</${name}> closes nothing open`;
    } else if (!selfClosing) stack.push(name);
    if (stack.length === 0 && position < body.trimEnd().length) return 'content after the root element';
  }
  return stack.length === 0 ? undefined : `unclosed <${stack.join('>, <')}>`;
};
