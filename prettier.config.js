// Prettier settings shared by every package.
export default {
  singleQuote: true,
  printWidth: 100,
  trailingComma: 'all',
};
