// GraphQL operation documents are bundled as text (esbuild loader 'text').
declare module '*.graphql' {
  const document: string;
  export default document;
}
