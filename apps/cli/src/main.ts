import { run } from './cli';

run(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`loanflow: ${error.message}`);
    process.exit(1);
  },
);
